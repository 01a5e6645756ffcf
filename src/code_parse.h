/* The code parsers, inline: parse.c wraps them as the public functions and
 * lookup.c parses and indexes in one go. Each reads only s[0..len). */
#ifndef SMTPCODE_CODE_PARSE_H
#define SMTPCODE_CODE_PARSE_H

#include "smtpcode.h"

#define SMTPCODE__DIGIT(c) ((unsigned)(c) - '0')

/* A code ends at the end of input or at a byte that cannot continue it:
 * "5.1.1 user" and "5.1.1." end, "5.1.1.1", "5.1.1a" and "5501" do not. */
static inline int
smtpcode__ends_here(const unsigned char *p, const unsigned char *end)
{
	unsigned c;

	if (p == end)
		return 1;
	c = *p;
	if (SMTPCODE__DIGIT(c) <= 9 || (c | 0x20u) - 'a' < 26u)
		return 0;
	return !(c == '.' && p + 1 < end && SMTPCODE__DIGIT(p[1]) <= 9);
}

static inline int
smtpcode__parse_enhanced(const char *buf, size_t len, struct smtpcode_enhanced_code *out)
{
	const unsigned char *s = (const unsigned char *)buf, *p, *end;
	unsigned cls, part[2], d;
	int k;

	if (len == 0) /* before s + len: NULL + 0 is undefined in C */
		return SMTPCODE_EEMPTY;
	end = s + len;
	cls = SMTPCODE__DIGIT(s[0]);
	if (cls > 9)
		return SMTPCODE_ESYNTAX;
	/* Fast path for a one-digit subject, the shape of every registered code;
	 * it accepts and rejects exactly what the general loop below does. */
	if (len >= 5 && s[1] == '.' && s[3] == '.' && ((0x34u >> cls) & 1) && SMTPCODE__DIGIT(s[2]) <= 9 &&
	    (d = SMTPCODE__DIGIT(s[4])) <= 9) {
		p = s + 5;
		if (p < end && SMTPCODE__DIGIT(*p) <= 9) {
			if (d == 0)
				return SMTPCODE_ELEADINGZERO;
			d = d * 10 + SMTPCODE__DIGIT(*p++);
			if (p < end && SMTPCODE__DIGIT(*p) <= 9) {
				d = d * 10 + SMTPCODE__DIGIT(*p++);
				if (p < end && SMTPCODE__DIGIT(*p) <= 9)
					return SMTPCODE_ETOOLONG;
			}
		}
		if (!smtpcode__ends_here(p, end))
			return SMTPCODE_ETRAILING;
		out->cls = cls;
		out->subject = SMTPCODE__DIGIT(s[2]);
		out->detail = d;
		return (int)(p - s);
	}
	if ((len > 1 && SMTPCODE__DIGIT(s[1]) <= 9) || !((0x34u >> cls) & 1))
		return SMTPCODE_ECLASS; /* 0x34: bits 2, 4 and 5 */
	p = s + 1;
	for (k = 0; k < 2; k++) {
		const unsigned char *start;
		unsigned v;
		if (p == end || *p != '.')
			return SMTPCODE_ESYNTAX;
		start = ++p;
		if (p == end || (v = SMTPCODE__DIGIT(*p)) > 9)
			return SMTPCODE_ESYNTAX;
		while (++p < end && SMTPCODE__DIGIT(*p) <= 9) {
			if (v == 0)
				return SMTPCODE_ELEADINGZERO;
			if (p - start == 3)
				return SMTPCODE_ETOOLONG;
			v = v * 10 + SMTPCODE__DIGIT(*p);
		}
		part[k] = v;
	}
	if (!smtpcode__ends_here(p, end))
		return SMTPCODE_ETRAILING;
	out->cls = cls;
	out->subject = part[0];
	out->detail = part[1];
	return (int)(p - s);
}

#endif
