/* The reply grammar of RFC 5321 section 4.2 with RFC 2034's enhanced codes:
 *   reply = *( code "-" [enhanced SP] text CRLF ) code [SP [enhanced SP] text] CRLF
 * LF alone ends a line too; the last line may lack its line break. */
#include <string.h>

#include "carrier.h"

/*!include:re2c "re2c_api.re" */

struct line_head {
	unsigned code;
	int continued;                 /* "550-": more lines follow */
	const unsigned char *code_at;  /* the 3 digits */
	const unsigned char *enh_at;   /* the enhanced code, or NULL */
	const unsigned char *enh_end;
	const unsigned char *text;     /* the line's text after its codes */
};

static unsigned
three_digits(const unsigned char *s)
{
	return (unsigned)(s[0] - '0') * 100 + (unsigned)(s[1] - '0') * 10 + (unsigned)(s[2] - '0');
}

/* The enhanced code at p, if one starts there; sets h->text past it. */
static void
lex_enhanced(const unsigned char *p, const unsigned char *lim, struct line_head *h)
{
	const unsigned char *m, *a, *b;
	/*!stags:re2c format = 'const unsigned char *@@ = NULL; (void)@@;\n'; */

	h->enh_at = h->enh_end = NULL;
	h->text = p;
	/* Some mail systems put a '#' before it, as qmail does in "(#5.1.1)":
	 * "550 #5.1.0 Address rejected". */
	/*!re2c
	"#"? @a enhanced @b sp+ { h->enh_at = a; h->enh_end = b; h->text = p; return; }
	/* Stalwart's "550 (5.1.2) 'User does not exist'". */
	"(" @a enhanced @b ")" sp+ { h->enh_at = a; h->enh_end = b; h->text = p; return; }
	"(" @a enhanced @b ")" / eol { h->enh_at = a; h->enh_end = b; h->text = p; return; }
	"#"? @a enhanced @b / eol { h->enh_at = a; h->enh_end = b; h->text = b; return; }
	"#"? @a enhanced @b {
		if (p == lim) {
			h->enh_at = a;
			h->enh_end = b;
			h->text = b;
		}
		return;
	}
	* { return; }
	$ { return; }
	*/
}

/* Recognises "550-", "550 ", "550" at a line end; 0 when p starts no reply line. */
static int
lex_head(const unsigned char *p, const unsigned char *lim, struct line_head *h)
{
	const unsigned char *m, *c;
	/*!stags:re2c format = 'const unsigned char *@@ = NULL; (void)@@;\n'; */

	/*!re2c
	@c code "-" { h->continued = 1; goto found; }
	@c code " " { h->continued = 0; goto found; }
	/* A table's cell: "550<TAB>5.1.1 Mailbox does not exist". */
	@c code "\t" { h->continued = 0; goto found; }
	/* Python's smtplib: "(550, b'5.1.1 ...')", the code and the reply's
	 * bytes as a tuple, which Django and other programs print. */
	@c code ", " "b"? ['"] { h->continued = 0; goto found; }
	@c code / eol { h->continued = 0; h->code = three_digits(c); h->code_at = c; h->enh_at = NULL; h->text = p; return 1; }
	@c code {
		if (p != lim)
			return 0; /* "5501", "550x": not a reply code */
		h->continued = 0;
		h->code = three_digits(c);
		h->code_at = c;
		h->enh_at = NULL;
		h->text = p;
		return 1;
	}
	* { return 0; }
	$ { return 0; }
	*/
found:
	h->code = three_digits(c);
	h->code_at = c;
	lex_enhanced(p, lim, h);
	return 1;
}

static const unsigned char *
line_end(const unsigned char *p, const unsigned char *lim)
{
	const unsigned char *nl = (const unsigned char *)memchr(p, '\n', (size_t)(lim - p));

	return nl ? nl : lim;
}

/* The digits at *p, up to the first byte that is not one. */
static unsigned
number(const unsigned char **p, const unsigned char *end)
{
	unsigned v = 0;

	for (; *p < end && (unsigned)**p - '0' < 10u; (*p)++)
		v = v * 10 + (unsigned)(**p - '0');
	return v;
}

static int
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* Mail systems that quote a multi-line reply on one line join its lines
 * with a space: Postfix's "550-5.7.1 A 550-5.7.1 B 550 5.7.1 C". Is the
 * last of the lines joined into text[0..end) ("550 ", or "550" at the end,
 * where a wrap split it) among them? (They stay one line of the reply.) */
static int
joined_last_line(const unsigned char *text, const unsigned char *end, unsigned code)
{
	const unsigned char *p;
	int closed = 0;

	for (p = text; p + 3 <= end; p++) {
		const unsigned char *after = p + 3;
		if (p == text || !is_blank(p[-1]) || (unsigned)p[0] - '0' >= 10u || (unsigned)p[1] - '0' >= 10u ||
		    (unsigned)p[2] - '0' >= 10u || three_digits(p) != code)
			continue;
		if (after == end || is_blank(*after) || *after == '\r')
			closed = 1;
		else if (*after == '-' && after + 1 < end && ((unsigned)after[1] - '0' < 10u || is_blank(after[1])))
			closed = 0;
		else
			continue;
		p = after;
	}
	return closed;
}

static void
set_enhanced(struct smtpcode_reply *r, const struct line_head *h)
{
	struct smtpcode_enhanced_code e;
	const unsigned char *p = h->enh_at + 2;
	size_t n = (size_t)(h->enh_end - h->enh_at);

	/* The grammar already holds RFC 3463's rules (class 2, 4 or 5, no
	 * leading zero, at most 3 digits): this only converts. */
	e.cls = (unsigned)(h->enh_at[0] - '0');
	e.subject = number(&p, h->enh_end);
	p++; /* the dot */
	e.detail = number(&p, h->enh_end);
	if (r->enhanced.cls && (e.cls != r->enhanced.cls || e.subject != r->enhanced.subject ||
	                        e.detail != r->enhanced.detail))
		r->flags |= SMTPCODE_REPLY_MIXED_ENHANCED;
	r->enhanced = e;
	r->enhanced_span.ptr = (const char *)h->enh_at;
	r->enhanced_span.len = n;
}

/* A line of the reply: the last line's codes count. */
static void
add_line(struct smtpcode_reply *r, const struct line_head *h)
{
	if (r->lines > 0 && h->code != r->code)
		r->flags |= SMTPCODE_REPLY_MIXED_CODES;
	r->code = h->code;
	r->code_span.ptr = (const char *)h->code_at;
	r->code_span.len = 3;
	if (h->enh_at)
		set_enhanced(r, h);
	r->lines++;
}

/* The flags that only the whole reply tells. */
static void
whole_reply_flags(struct smtpcode_reply *r)
{
	if (r->lines > 1)
		r->flags |= SMTPCODE_REPLY_MULTILINE;
	if (r->enhanced.cls && r->enhanced.cls != r->code / 100)
		r->flags |= SMTPCODE_REPLY_CLASS_MISMATCH;
}

/* The enhanced code that starts the first line wrapped under a reply whose
 * line held its basic code alone: the reply's, where its class agrees. */
static void
wrapped_enhanced(struct smtpcode_reply *r, const unsigned char *p, const unsigned char *end)
{
	struct smtpcode_enhanced_code e;
	int n = smtpcode_enhanced_parse((const char *)p, (size_t)(end - p), &e);

	if (n > 0 && (p + n == end || p[n] == ' ' || p[n] == '\r') && e.cls == r->code / 100) {
		r->enhanced = e;
		r->enhanced_span.ptr = (const char *)p;
		r->enhanced_span.len = (size_t)n;
	}
}

int
smtpcode_parse_reply(const char *buf, size_t len, struct smtpcode_reply *r)
{
	return smtpcode__parse_reply_nl(buf, len, NULL, r);
}

int
smtpcode__parse_reply_nl(const char *buf, size_t len, const char *nl, struct smtpcode_reply *r)
{
	const unsigned char *start, *lim, *p;
	const unsigned char *first_end = (const unsigned char *)nl;
	struct line_head h;

	if (!r)
		return SMTPCODE_EINVAL;
	memset(r, 0, sizeof *r);
	if (len == 0) /* before any arithmetic: NULL + 0 is undefined in C */
		return SMTPCODE_EEMPTY;
	if (!buf)
		return SMTPCODE_EINVAL;
	start = p = (const unsigned char *)buf;
	lim = start + len;
	for (;;) {
		const unsigned char *end;
		if (!lex_head(p, lim, &h)) {
			if (r->lines == 0)
				return SMTPCODE_ENOREPLY;
			r->flags |= SMTPCODE_REPLY_UNTERMINATED; /* a 550- line, then no reply line */
			break;
		}
		add_line(r, &h);
		end = first_end ? first_end : line_end(h.text, lim);
		first_end = NULL;
		p = end < lim ? end + 1 : lim;
		if (h.continued && joined_last_line(h.text, end, h.code))
			h.continued = 0;
		if (!h.continued)
			break;
		if (p == lim) {
			r->flags |= SMTPCODE_REPLY_UNTERMINATED;
			break;
		}
	}
	whole_reply_flags(r);
	r->raw.ptr = buf;
	r->raw.len = (size_t)(p - start);
	return r->raw.len > SMTPCODE_REPLY_MAX ? SMTPCODE_ETOOBIG : (int)r->raw.len;
}

static size_t
blanks(const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q = p;

	while (q < end && is_blank(*q))
		q++;
	return (size_t)(q - p);
}

/* Lines a mail system wrapped are long: a short line ended where the
 * reply's words did. */
#define WRAPPED_LINE_MIN 60

void
smtpcode__reply_take_wrapped(struct smtpcode_reply *r, const char *text, const char *limit, const char *trailer)
{
	const unsigned char *p, *line, *lim = (const unsigned char *)limit;
	int open = (r->flags & SMTPCODE_REPLY_UNTERMINATED) != 0, quoted;
	size_t margin, k;
	struct line_head h;

	if (!r->raw.len || r->raw.ptr[r->raw.len - 1] != '\n')
		return;
	/* The indentation of the line the reply starts on: the lines wrapped
	 * under it are indented deeper. */
	for (line = (const unsigned char *)r->raw.ptr; line > (const unsigned char *)text && line[-1] != '\n'; line--)
		;
	margin = blanks(line, lim);
	/* Quoted after words of the mail system's ("host ... said: 550 ..."),
	 * as Postfix writes it before it wraps the line. */
	quoted = (const char *)line + margin < r->raw.ptr;
	p = (const unsigned char *)r->raw.ptr + r->raw.len;
	for (line = p - 1; line > (const unsigned char *)r->raw.ptr && line[-1] != '\n'; line--)
		; /* the reply's last line */
	while (p < lim) {
		const unsigned char *end = line_end(p, lim), *prev_end = p - 1;
		size_t prev_len = (size_t)(prev_end - line);
		if (prev_len && prev_end[-1] == '\r')
			prev_end--, prev_len--;
		k = blanks(p, end);
		if (p + k == end || (p[k] == '\r' && p + k + 1 == end))
			break; /* a blank line ends the paragraph */
		if (lex_head(p + k, end, &h)) {
			/* Exim indents each line of the reply it quotes. */
			if (!open)
				break;
			add_line(r, &h);
			open = h.continued && !joined_last_line(h.text, end, h.code);
		} else if ((k > 0 && p[k] != '-' &&
		            ((k > margin && (open || quoted || prev_len >= WRAPPED_LINE_MIN)) ||
		             (quoted && trailer && (const char *)p < trailer) || (prev_len && prev_end[-1] == ':'))) ||
		           (k == 0 && quoted && trailer && (const char *)p < trailer)) {
			/* A line wrapped under the reply (Postfix; at the reply's
			 * own indentation where its line was wrapped already, up to
			 * the "(in reply to ...)" that ends it, and there even where
			 * a copy lost the indentation), or its words after a colon
			 * on the next line (Exim breaks a long reply there). */
			if (!r->enhanced.cls && (const char *)p == r->raw.ptr + r->raw.len && r->raw.len <= 5)
				wrapped_enhanced(r, p + k, end); /* "said: 550", then "5.1.1 ..." */
			if (open && joined_last_line(p + k - 1, end, r->code))
				open = 0;
		} else {
			break;
		}
		line = p;
		p = end < lim ? end + 1 : lim;
		r->raw.len = (size_t)((const char *)p - r->raw.ptr);
	}
	if (!open)
		r->flags &= ~(unsigned)SMTPCODE_REPLY_UNTERMINATED;
	whole_reply_flags(r);
}

int
smtpcode_reply_next_text(const struct smtpcode_reply *r, size_t *pos, struct smtpcode_span *text)
{
	const unsigned char *start, *lim, *p, *end;
	struct line_head h;

	if (!r || !pos || !text || !r->raw.ptr || *pos >= r->raw.len)
		return 0;
	start = (const unsigned char *)r->raw.ptr;
	lim = start + r->raw.len;
	p = start + *pos;
	if (!lex_head(p, lim, &h))
		return 0;
	end = line_end(h.text, lim);
	*pos = (size_t)((end < lim ? end + 1 : lim) - start);
	if (end > h.text && end[-1] == '\r' && end < lim)
		end--;
	text->ptr = (const char *)h.text;
	text->len = (size_t)(end - h.text);
	return 1;
}

/* Arrays of characters, not of pointers: no relocations, all in .rodata. */
static const char reply_flag_names[][15] = {
	"multiline", "mixed-codes", "mixed-enhanced", "class-mismatch", "unterminated",
};

/* The same flags in plain words, for people. */
static const char reply_flag_descriptions[][112] = {
	"The reply has several lines, each but the last marked with a dash after the code (550-).",
	"Its lines carry different basic codes; the last line's code counts.",
	"Its lines carry different enhanced codes; the last one counts.",
	"The enhanced code's class differs from the basic code's (550 4.4.7); the basic code's class counts.",
	"The reply was cut off: its last line still says more is to come (550-), and no final line follows.",
};

/* Bit i of a flag, or -1 when it is not a single flag of the table. */
static int
flag_index(enum smtpcode_reply_flag flag)
{
	unsigned i;

	for (i = 0; i < sizeof reply_flag_names / sizeof reply_flag_names[0]; i++)
		if ((unsigned)flag == 1u << i)
			return (int)i;
	return -1;
}

const char *
smtpcode_reply_flag_name(enum smtpcode_reply_flag flag)
{
	int i = flag_index(flag);

	return i < 0 ? NULL : reply_flag_names[i];
}

const char *
smtpcode_reply_flag_description(enum smtpcode_reply_flag flag)
{
	int i = flag_index(flag);

	return i < 0 ? NULL : reply_flag_descriptions[i];
}
