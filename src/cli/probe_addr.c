/* smtpcode probe: is an address one that RCPT TO can carry (RFC 5321 4.1.2, RFC 6531)? */
#include <arpa/inet.h>
#include <string.h>

#include "probe.h"
#include "safe_text.h"

/* atext of RFC 5322, as RFC 5321's Atom uses it. */
static int
atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* A Dot-string (atoms separated by single dots; UTF-8 allowed, RFC 6531) or
 * a Quoted-string. Returns NULL or what is wrong. */
static const char *
local_part(const unsigned char *s, size_t len, int *utf8)
{
	size_t i = 0, n;

	if (len == 0)
		return "nothing before the @";
	if (len > 64)
		return "the part before the @ is longer than 64 bytes (RFC 5321 4.5.3.1.1)";
	if (s[0] == '"') {
		for (i = 1; i < len - 1; i++) {
			if (s[i] == '\\') {
				if (++i >= len - 1 || s[i] < 32 || s[i] > 126)
					return "a backslash in the quoted part escapes nothing printable";
			} else if (s[i] == '"') {
				return "a quote inside the quoted part";
			} else if (s[i] >= 0x80 && (n = utf8_len(s + i, len - 1 - i)) > 0) {
				*utf8 = 1;
				i += n - 1;
			} else if (s[i] < 32 || s[i] > 126) {
				return "a control character or a byte outside UTF-8 in the quoted part";
			}
		}
		if (len < 2 || s[len - 1] != '"')
			return "the quoted part has no closing quote";
		return NULL;
	}
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (i == 0 || i == len - 1 || s[i - 1] == '.')
				return "a dot at the start or end of the part before the @, or two dots in a row";
		} else if (s[i] >= 0x80) {
			n = utf8_len(s + i, len - i);
			if (n == 0 || safe_char(s + i, len - i) == 0)
				return "a byte that is not UTF-8, or a control character, before the @";
			*utf8 = 1;
			i += n - 1;
		} else if (!atext(s[i])) {
			return "a character that needs quoting before the @ (a space, a comma, brackets, ...)";
		}
	}
	return NULL;
}

/* A host name: labels of letters, digits and inner hyphens, at most 63
 * bytes each, 253 in all (no trailing dot). */
static const char *
domain_name(const unsigned char *s, size_t len)
{
	size_t i, label = 0;

	if (len == 0)
		return "nothing after the @";
	if (len > 253)
		return "the domain is longer than 253 bytes";
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];
		if (c == '.') {
			if (label == 0)
				return i == len - 1 ? "the domain ends with a dot" : "an empty label in the domain (two dots, or a dot first)";
			if (s[i - 1] == '-')
				return "a label of the domain ends with a hyphen";
			label = 0;
			continue;
		}
		if (c >= 0x80)
			return "a non-ASCII domain: give it in its ASCII form (xn--...), as DNS knows it";
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
			return "a character other than a letter, digit, hyphen or dot in the domain";
		if (c == '-' && label == 0)
			return "a label of the domain starts with a hyphen";
		if (++label > 63)
			return "a label of the domain is longer than 63 bytes";
	}
	if (s[len - 1] == '.')
		return "the domain ends with a dot";
	if (s[len - 1] == '-')
		return "a label of the domain ends with a hyphen";
	return NULL;
}

/* [192.0.2.1] or [IPv6:2001:db8::1]. */
static const char *
address_literal(const char *s, size_t len)
{
	char buf[64];
	unsigned char bin[16];

	if (len < 3 || s[len - 1] != ']' || len - 2 >= sizeof buf)
		return "an address literal is [IPv4] or [IPv6:...] with its closing bracket";
	memcpy(buf, s + 1, len - 2);
	buf[len - 2] = '\0';
	if (strncmp(buf, "IPv6:", 5) == 0)
		return inet_pton(AF_INET6, buf + 5, bin) == 1 ? NULL : "not an IPv6 address after [IPv6:";
	return inet_pton(AF_INET, buf, bin) == 1 ? NULL : "not an IPv4 address in the brackets";
}

const char *
probe_address_check(const char *s, size_t len, size_t *at, int *utf8)
{
	const char *why;
	size_t i, last_at = len;

	*utf8 = 0;
	if (len == 0)
		return "the address is empty";
	if (len > PROBE_ADDRESS_MAX)
		return "the address is longer than 254 bytes (RFC 5321 4.5.3.1.3)";
	/* The @ that ends the local part: the last one (a quoted local part may hold @). */
	for (i = 0; i < len; i++)
		if (s[i] == '@')
			last_at = i;
	if (last_at == len)
		return "it has no @";
	if ((why = local_part((const unsigned char *)s, last_at, utf8)))
		return why;
	if (s[last_at + 1] == '[')
		why = address_literal(s + last_at + 1, len - last_at - 1);
	else
		why = domain_name((const unsigned char *)s + last_at + 1, len - last_at - 1);
	if (why)
		return why;
	*at = last_at;
	return NULL;
}

int
probe_helo_valid(const char *s)
{
	size_t len = strlen(s);

	if (len && s[0] == '[')
		return address_literal(s, len) == NULL;
	return domain_name((const unsigned char *)s, len) == NULL;
}
