/* Parsing of code strings: basic (RFC 5321) and enhanced (RFC 3463). */
#include "code_parse.h"

int
smtpcode_basic_parse(const char *buf, size_t len, unsigned *code)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t n = 0;

	if (len == 0)
		return SMTPCODE_EEMPTY;
	if (!buf || !code)
		return SMTPCODE_EINVAL;
	while (n < len && n < 4 && SMTPCODE__DIGIT(s[n]) <= 9)
		n++;
	if (n == 0)
		return SMTPCODE_ESYNTAX;
	if (s[0] < '2' || s[0] > '5')
		return SMTPCODE_ECLASS;
	if (n != 3)
		return SMTPCODE_ELENGTH;
	if (!smtpcode__ends_here(s + 3, s + len))
		return SMTPCODE_ETRAILING;
	*code = (unsigned)(s[0] - '0') * 100 + (unsigned)(s[1] - '0') * 10 + (unsigned)(s[2] - '0');
	return 3;
}

int
smtpcode_enhanced_parse(const char *buf, size_t len, struct smtpcode_enhanced_code *out)
{
	if (len == 0)
		return SMTPCODE_EEMPTY;
	if (!buf || !out)
		return SMTPCODE_EINVAL;
	return smtpcode__parse_enhanced(buf, len, out);
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
	case SMTPCODE_ENOREPLY:
		return "no SMTP reply code or known phrase in the text";
	case SMTPCODE_EINVAL:
		return "invalid argument";
	case SMTPCODE_ETOOBIG:
		return "the reply is longer than SMTPCODE_REPLY_MAX (INT_MAX) bytes, more than an int can count";
	default:
		return error >= 0 ? "success" : "unknown error";
	}
}
