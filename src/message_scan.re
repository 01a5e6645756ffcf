/* The small grammars of the message reader: the lines that name a failed
 * recipient as mail systems list them, addresses in a line or a field, and
 * header field names. Each reads a bounded (pointer, length) buffer. */
#include <string.h>

#include "message.h"

/*!include:re2c "re2c_api.re" */

/*!re2c
	bl = [ \t];
	lc = [a-zA-Z0-9!#$%&'*+/=?^_`{|}~.-] | [\xc2-\xdf] [\x80-\xbf]; /* not CJK: its text runs into addresses */
	dc = [a-zA-Z0-9._-]; /* '_' is no host name's, but mail systems and pastes write it */
	local = lc+ | ["] [^"\x00\r\n<>@]+ ["];
	an = [a-zA-Z0-9];
	domain = an (dc* an)? | "[" [0-9a-fA-F:.]+ "]" | "[" 'ipv6:' [0-9a-fA-F:.]+ "]";
	addr = local "@" domain;
	name = [a-zA-Z0-9 ._'-]{1,40};
	qname = ["] [^"\x00\r\n]{0,80} ["];
*/

static const unsigned char *
blanks(const unsigned char *p, const unsigned char *lim)
{
	while (p < lim && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* Does [p, lim) hold a reply code: 3 digits of class 2 to 5, alone? */
static int
has_reply_code(const unsigned char *p, const unsigned char *lim)
{
	for (; lim - p >= 3; p++)
		if (*p >= '2' && *p <= '5' && (unsigned)(p[1] - '0') < 10u && (unsigned)(p[2] - '0') < 10u &&
		    (lim - p == 3 || p[3] == ' ' || p[3] == '-') && (p[-1] == ' ' || p[-1] == ':'))
			return 1;
	return 0;
}

/* What may follow the address of a recipient line: nothing; ":" or "..."
 * and text; "," and text with a reply code; "on" and a date; a comment (and
 * ":" and text); "<mailto:...>"; the address again in angle brackets.
 * Returns 1 and sets *rest, or 0. */
static int
after_address(const unsigned char *p, const unsigned char *lim, const unsigned char **rest)
{
	p = blanks(p, lim);
	*rest = lim;
	if (p == lim)
		return 1;
	if (*p == ':') {
		*rest = p + 1;
		return 1;
	}
	if (lim - p >= 3 && p[0] == '.' && p[1] == '.' && p[2] == '.') {
		*rest = p + 3;
		return 1;
	}
	if (*p == ',' && has_reply_code(p + 1, lim)) {
		/* Zoho's "a@b, ERROR CODE :550 - 5.1.1 ..."; a list of
		 * addresses has no code. */
		*rest = p + 1;
		return 1;
	}
	if (lim - p >= 3 && (p[0] | 0x20) == 'o' && (p[1] | 0x20) == 'n' && (p[2] == ' ' || p[2] == '\t')) {
		*rest = p + 3;
		return 1;
	}
	if (*p == '(') {
		/* A comment: "(expanded from <alias>):" in Postfix, whose text may
		 * go on over the next line, and the text after its colon is the
		 * recipient's; or the reason itself, "(user not found)" in GroupWise,
		 * which may hold more of them: Stalwart's "(host 'mx' rejected ...
		 * with code 550 (5.1.2) 'User does not exist')". */
		const unsigned char *open = p;
		unsigned depth = 0;
		*rest = open;
		for (; p < lim; p++) {
			if (*p == '(')
				depth++;
			else if (*p == ')' && --depth == 0)
				break;
		}
		if (p == lim)
			return 1;
		p = blanks(p + 1, lim);
		if (p < lim && *p == ':') {
			*rest = p + 1;
			return 1;
		}
	}
	if (p < lim && *p == '<') {
		const unsigned char *close = (const unsigned char *)memchr(p, '>', (size_t)(lim - p));
		if (!close || !memchr(p, '@', (size_t)(close - p)))
			return 0;
		p = blanks(close + 1, lim);
	}
	return p == lim;
}

/* The address that starts at p: 1 and [*x, *y), or 0. */
static int
bare_address(const unsigned char *p, const unsigned char *lim, const unsigned char **x, const unsigned char **y)
{
	const unsigned char *m, *a, *b;
	/*!stags:re2c format = 'const unsigned char *@@ = NULL; (void)@@;\n'; */

	/*!re2c
	@a addr @b { *x = a; *y = b; return 1; }
	* { return 0; }
	$ { return 0; }
	*/
}

/* Office 365's "Russ Winter (russ@example.com)": a person's name, then the
 * address in parentheses, and nothing after. */
static int
paren_address(const unsigned char *s, const unsigned char *lim, const unsigned char **x, const unsigned char **y)
{
	const unsigned char *open = lim - 1, *p;

	if (lim - s < 5 || *open != ')')
		return 0;
	while (open > s && lim - open < 330 && *open != '(')
		open--;
	if (*open != '(' || open - s < 2 || open - s > 80 || open[-1] != ' ')
		return 0;
	for (p = s; p < open; p++)
		if (*p == '@' || *p == ':' || *p == '<' || *p == '>' || *p == '(' || *p == ')' || *p == '"' || *p < ' ')
			return 0;
	return bare_address(open + 1, lim, x, y) && *y + 1 == lim;
}

int
smtpcode__msg_recipient_line(const char *s_, size_t len, struct smtpcode__addr *a, size_t *rest)
{
	const unsigned char *s = (const unsigned char *)s_, *p = s, *lim = s + len, *m, *x, *y, *r;
	int whole = 0; /* a reply that names the recipient ("550 5.1.1 <a@b>: ..."): all of it is its text */
	/*!stags:re2c format = 'const unsigned char *@@ = NULL; (void)@@;\n'; */

	/* Outlook's "'a@b' on 03/12/2026 10:16", and the same in double
	 * quotes. (Apart from the grammar below: rules for them there tripled
	 * the size of its automaton.) */
	if (len > 2 && (s[0] == '\'' || s[0] == '"') && bare_address(s + 1, lim, &x, &y) && y < lim && *y == s[0]) {
		p = y + 1;
		goto after;
	}
	if (paren_address(s, lim, &x, &y)) {
		p = lim;
		goto after;
	}
	/*!re2c
	@x addr @y                                 { goto after; }
	"<" @x addr @y ">"                         { goto after; }
	[2-5] [0-9]{2} [ -] bl* ([245] "." [0-9]{1,3} "." [0-9]{1,3} bl*)? "<" @x addr @y ">" { whole = 1; goto after; }
	[^<>@":\x00\r\n]{1,80} "<mailto:" @x addr @y ">" { goto after; }
	(name | qname) bl* "<" @x addr @y ">"        { goto after; }
	* { return 0; }
	$ { return 0; }
	*/
after:
	if (!after_address(p, lim, &r))
		return 0;
	a->start = (size_t)(x - s);
	a->end = (size_t)(y - s);
	*rest = whole ? 0 : (size_t)(r - s);
	return 1;
}

static int
local_char(unsigned char c)
{
	static const char specials[] = "!#$%&'*+/=?^_`{|}~.-";

	return (unsigned)((c | 0x20) - 'a') < 26u || (unsigned)(c - '0') < 10u || c >= 0x80 ||
	       memchr(specials, c, sizeof specials - 1) != NULL;
}

static int
domain_char(unsigned char c)
{
	return (unsigned)((c | 0x20) - 'a') < 26u || (unsigned)(c - '0') < 10u || c == '.' || c == '-' || c == '_';
}

/* The address around the '@' at s[at], within [from, len): 1 and *a, or 0.
 * With `strict`, a domain must have a dot or be a literal, unless the
 * address is in angle brackets. */
static int
address_at(const unsigned char *s, size_t len, size_t from, size_t at, int strict, struct smtpcode__addr *a)
{
	size_t l = at, r = at + 1, dots = 0, i;
	int literal = 0, bracketed;

	if (at > from && s[at - 1] == '"') {
		/* A quoted local part: back to its opening quote. */
		for (l = at - 1; l > from && s[l - 1] != '"'; l--)
			;
		if (l == from || at - l < 2)
			return 0;
		l--;
	} else {
		while (l > from && local_char(s[l - 1]))
			l--;
		/* Chinese and Japanese text runs into an address with no space
		 * ("无法发送到admin@example.com", "宛先：a@b"): the local part starts
		 * after the last character of three or four bytes. */
		for (i = l; i < at; i++)
			if (s[i] >= 0xe0 && s[i] <= 0xf4)
				l = i + (s[i] >= 0xf0 ? 4u : 3u) <= at ? i + (s[i] >= 0xf0 ? 4u : 3u) : at;
		/* A link's query ("https://host/v?e=a@b") holds no recipient. */
		for (i = l; i + 1 < at; i++)
			if (s[i] == '/' && s[i + 1] == '/')
				return 0;
		while (l < at && s[l] == '.')
			l++;
		/* "addressed to 'a@b',": quotes around an address are not its own
		 * (an apostrophe inside a local part is: "o'neil@b"). */
		if (l < at && s[l] == '\'')
			l++;
	}
	if (r < len && s[r] == '[') {
		while (r < len && s[r] != ']' && s[r] != '>' && !(s[r] <= ' '))
			r++;
		if (r == len || s[r] != ']')
			return 0;
		r++;
		literal = 1;
	} else {
		while (r < len && domain_char(s[r]))
			r++;
		while (r > at + 1 && (s[r - 1] == '.' || s[r - 1] == '-' || s[r - 1] == '_'))
			r--;
	}
	if (l == at || r == at + 1)
		return 0;
	for (i = at + 1; i < r; i++)
		dots += s[i] == '.';
	bracketed = l > from && s[l - 1] == '<' && r < len && s[r] == '>';
	if (strict && !dots && !literal && !bracketed)
		return 0;
	a->start = l;
	a->end = r;
	return 1;
}

int
smtpcode__msg_next_address(const char *s_, size_t len, size_t from, struct smtpcode__addr *a)
{
	const unsigned char *s = (const unsigned char *)s_;
	size_t start = from;

	while (from < len) {
		const unsigned char *at = (const unsigned char *)memchr(s + from, '@', len - from);
		if (!at)
			return 0;
		if (address_at(s, len, start, (size_t)(at - s), 1, a))
			return 1;
		from = (size_t)(at - s) + 1;
		start = from;
	}
	return 0;
}

int
smtpcode__msg_field_address(const char *s_, size_t len, struct smtpcode__addr *a)
{
	const unsigned char *s = (const unsigned char *)s_;
	const unsigned char *at = (const unsigned char *)memchr(s, '@', len);
	const unsigned char *semi = (const unsigned char *)memchr(s, ';', len);
	size_t from = 0;

	/* "rfc822; user@example.com": the address type is not the address. */
	if (semi && (!at || semi < at))
		from = (size_t)(semi - s) + 1;
	while (from < len) {
		at = (const unsigned char *)memchr(s + from, '@', len - from);
		if (!at)
			return 0;
		if (address_at(s, len, from, (size_t)(at - s), 0, a))
			return 1;
		from = (size_t)(at - s) + 1;
	}
	return 0;
}

size_t
smtpcode__msg_field_name(const char *s_, size_t len, size_t *value)
{
	const unsigned char *s = (const unsigned char *)s_;
	size_t i = 0, n;

	/* RFC 5322 field names: printable ASCII but the colon. */
	while (i < len && i < 200 && s[i] > ' ' && s[i] < 0x7f && s[i] != ':')
		i++;
	n = i;
	if (n == 0)
		return 0;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++; /* "Name :" is obsolete syntax, but seen */
	if (i >= len || s[i] != ':')
		return 0;
	i++;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	*value = i;
	return n;
}

int
smtpcode__msg_is(const char *s, size_t len, const char *w)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		if (w[i] == '\0' || c != (unsigned char)w[i])
			return 0;
	}
	return w[len] == '\0';
}

/* Is name one of the NUL-separated lower-case words of list (ending "\0\0")? */
static int
one_of(const char *name, size_t len, const char *list)
{
	for (; *list; list += strlen(list) + 1)
		if (smtpcode__msg_is(name, len, list))
			return 1;
	return 0;
}

int
smtpcode__msg_dsn_field(const char *name, size_t len)
{
	static const char fields[] = "reporting-mta\0received-from-mta\0arrival-date\0original-envelope-id\0"
	                             "dsn-gateway\0final-recipient\0original-recipient\0action\0status\0"
	                             "remote-mta\0diagnostic-code\0last-attempt-date\0final-log-id\0"
	                             "will-retry-until\0x-actual-recipient\0x-postfix-queue-id\0"
	                             "x-postfix-sender\0";

	return one_of(name, len, fields);
}

int
smtpcode__msg_mail_field(const char *name, size_t len)
{
	static const char fields[] = "received\0return-path\0from\0to\0cc\0bcc\0subject\0date\0message-id\0"
	                             "mime-version\0content-type\0content-transfer-encoding\0reply-to\0"
	                             "sender\0references\0in-reply-to\0delivered-to\0dkim-signature\0"
	                             "domainkey-signature\0arc-seal\0arc-message-signature\0"
	                             "arc-authentication-results\0authentication-results\0received-spf\0"
	                             "errors-to\0precedence\0user-agent\0importance\0thread-topic\0"
	                             "thread-index\0content-language\0accept-language\0feedback-id\0"
	                             "list-unsubscribe\0list-id\0organization\0content-disposition\0";

	return (len > 2 && (name[0] | 0x20) == 'x' && name[1] == '-') || one_of(name, len, fields);
}
