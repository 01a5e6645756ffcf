/* Parsing of code strings: basic (RFC 5321) and enhanced (RFC 3463). */
#include "smtpcode.h"

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(unsigned char c)
{
	return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* A code ends at the end of input or at a byte that cannot continue it:
 * "5.1.1 user" and "5.1.1." end, "5.1.1.1", "5.1.1a" and "5501" do not. */
static int
ends_here(const unsigned char *s, size_t len, size_t i)
{
	if (i == len)
		return 1;
	if (is_alnum(s[i]))
		return 0;
	return !(s[i] == '.' && i + 1 < len && is_digit(s[i + 1]));
}

int
smtpcode_basic_parse(const char *buf, size_t len, unsigned *code)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t n = 0;

	if (len == 0)
		return SMTPCODE_EEMPTY;
	while (n < len && n < 4 && is_digit(s[n]))
		n++;
	if (n == 0)
		return SMTPCODE_ESYNTAX;
	if (s[0] < '2' || s[0] > '5')
		return SMTPCODE_ECLASS;
	if (n != 3)
		return SMTPCODE_ELENGTH;
	if (!ends_here(s, len, 3))
		return SMTPCODE_ETRAILING;
	*code = (unsigned)(s[0] - '0') * 100 + (unsigned)(s[1] - '0') * 10 + (unsigned)(s[2] - '0');
	return 3;
}

/* One sub-code: 1-3 digits, no leading zero. */
static int
parse_subcode(const unsigned char *s, size_t len, size_t *pos, unsigned *out)
{
	size_t i = *pos, start = *pos;
	unsigned v = 0;

	if (i == len || !is_digit(s[i]))
		return SMTPCODE_ESYNTAX;
	if (s[i] == '0' && i + 1 < len && is_digit(s[i + 1]))
		return SMTPCODE_ELEADINGZERO;
	while (i < len && is_digit(s[i])) {
		if (i - start == 3)
			return SMTPCODE_ETOOLONG;
		v = v * 10 + (unsigned)(s[i] - '0');
		i++;
	}
	*pos = i;
	*out = v;
	return 0;
}

int
smtpcode_enhanced_parse(const char *buf, size_t len, struct smtpcode_enhanced_code *out)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t pos = 1;
	unsigned subject, detail;
	int err;

	if (len == 0)
		return SMTPCODE_EEMPTY;
	if (!is_digit(s[0]))
		return SMTPCODE_ESYNTAX;
	if ((s[0] != '2' && s[0] != '4' && s[0] != '5') || (len > 1 && is_digit(s[1])))
		return SMTPCODE_ECLASS;
	if (pos == len || s[pos] != '.')
		return SMTPCODE_ESYNTAX;
	pos++;
	if ((err = parse_subcode(s, len, &pos, &subject)) < 0)
		return err;
	if (pos == len || s[pos] != '.')
		return SMTPCODE_ESYNTAX;
	pos++;
	if ((err = parse_subcode(s, len, &pos, &detail)) < 0)
		return err;
	if (!ends_here(s, len, pos))
		return SMTPCODE_ETRAILING;
	out->cls = (unsigned)(s[0] - '0');
	out->subject = subject;
	out->detail = detail;
	return (int)pos;
}

const char *
smtpcode_strerror(int error)
{
	switch (error) {
	case SMTPCODE_EEMPTY:
		return "empty input";
	case SMTPCODE_ESYNTAX:
		return "not a reply code: expected 3 digits (550) or class.subject.detail (5.1.1)";
	case SMTPCODE_ECLASS:
		return "bad class: a reply code starts with 2, 3, 4 or 5, an enhanced code with 2, 4 or 5";
	case SMTPCODE_ELEADINGZERO:
		return "a sub-code of an enhanced code has a leading zero, which RFC 3463 forbids";
	case SMTPCODE_ETOOLONG:
		return "a sub-code of an enhanced code has more than 3 digits";
	case SMTPCODE_ETRAILING:
		return "the code runs on into more digits, dots or letters";
	case SMTPCODE_ELENGTH:
		return "a basic reply code has exactly 3 digits";
	default:
		return error >= 0 ? "success" : "unknown error";
	}
}
