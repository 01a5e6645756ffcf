#include "query.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int
is_x(const char *s, size_t len)
{
	return len == 1 && (s[0] == 'X' || s[0] == 'x');
}

/* Writes the query safely for a message: printable ASCII as is, the rest as \xNN. */
static void
quote(char *buf, size_t size, const char *s, size_t len)
{
	size_t o = 0, i;

	for (i = 0; i < len && o + 5 < size; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
	}
	if (i < len && o + 4 < size)
		o += (size_t)snprintf(buf + o, size - o, "...");
	buf[o] = '\0';
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
fail(struct answer *a, const char *fmt, ...)
{
	char q[96];
	size_t used;
	va_list ap;

	a->kind = QUERY_ERROR;
	quote(q, sizeof q, a->query, a->len);
	snprintf(a->message, sizeof a->message, "'%s': ", q);
	used = strlen(a->message);
	va_start(ap, fmt);
	vsnprintf(a->message + used, sizeof a->message - used, fmt, ap);
	va_end(ap);
}

/* Splits an enhanced code on its dots: exactly three non-empty parts. */
static int
split3(const char *s, size_t len, const char *part[3], size_t plen[3])
{
	size_t i, start = 0, n = 0;

	for (i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			if (n == 3)
				return 0;
			part[n] = s + start;
			plen[n] = i - start;
			n++;
			start = i + 1;
		}
	}
	return n == 3;
}

static void
resolve_basic(struct answer *a)
{
	int r = smtpcode_basic_parse(a->query, a->len, &a->basic_code);

	if (r == SMTPCODE_ECLASS) {
		fail(a, "class %c does not exist: the first digit of a reply code is 2, 3, 4 or 5", a->query[0]);
		return;
	}
	if (r < 0 || (size_t)r != a->len) {
		fail(a, "%s; a basic reply code has exactly 3 digits, such as 250 or 550",
		     a->len > 3 ? "too many digits" : "too few digits");
		return;
	}
	a->kind = QUERY_BASIC;
	snprintf(a->code, sizeof a->code, "%u", a->basic_code);
	a->basic = smtpcode_basic_lookup(a->basic_code);
	a->registered = a->basic != NULL;
}

static void
resolve_enhanced(struct answer *a)
{
	static const char *const names[3] = {"class", "subject", "detail"};
	const char *part[3];
	size_t plen[3], i;
	unsigned value[3];
	int open[3];
	char shown[16];

	if (!split3(a->query, a->len, part, plen)) {
		fail(a, "%s", "an enhanced status code has three parts, class.subject.detail, such as 5.1.1");
		return;
	}
	for (i = 0; i < 3; i++) {
		size_t k;
		open[i] = is_x(part[i], plen[i]);
		value[i] = 0;
		if (open[i])
			continue;
		if (plen[i] == 0) {
			fail(a, "the %s is missing; an enhanced status code looks like 5.1.1", names[i]);
			return;
		}
		for (k = 0; k < plen[i]; k++) {
			if (!is_digit((unsigned char)part[i][k])) {
				fail(a, "the %s must be digits (or X for any)", names[i]);
				return;
			}
		}
		if (i == 0 && (plen[0] != 1 || (part[0][0] != '2' && part[0][0] != '4' && part[0][0] != '5'))) {
			fail(a, "%s", "the class of an enhanced status code is 2 (success), 4 (temporary) or 5 (permanent)");
			return;
		}
		if (plen[i] > 1 && part[i][0] == '0') {
			fail(a, "the %s '%.*s' has a leading zero, which RFC 3463 forbids", names[i],
			     (int)plen[i], part[i]);
			return;
		}
		if (plen[i] > 3) {
			fail(a, "the %s has more than 3 digits (RFC 3463 allows 1 to 3)", names[i]);
			return;
		}
		for (k = 0; k < plen[i]; k++)
			value[i] = value[i] * 10 + (unsigned)(part[i][k] - '0');
	}
	/* Only these shapes name a registry row: c.s.d, X.s.d, X.s.X, c.s.X, c.X.X. */
	if (open[1] && !open[2]) {
		fail(a, "%s", "a detail needs a subject: write X.1.1, 5.1.X or 5.X.X");
		return;
	}
	if (open[0] && open[1]) {
		fail(a, "%s", "name a class or a subject: X.X.X matches everything");
		return;
	}
	a->kind = QUERY_ENHANCED;
	a->cls = open[0] ? 0 : value[0];
	a->subject = value[1];
	a->detail = value[2];
	a->class_row = a->cls ? smtpcode_enhanced_class(a->cls) : NULL;
	if (open[1]) {
		a->scope = SCOPE_CLASS;
		snprintf(shown, sizeof shown, "%u.X.X", a->cls);
		a->registered = a->class_row != NULL;
	} else if (open[2]) {
		a->scope = SCOPE_SUBJECT;
		a->subject_row = smtpcode_enhanced_subject(a->subject);
		if (a->cls)
			snprintf(shown, sizeof shown, "%u.%u.X", a->cls, a->subject);
		else
			snprintf(shown, sizeof shown, "X.%u.X", a->subject);
		a->registered = a->subject_row != NULL;
	} else {
		a->scope = a->cls ? SCOPE_CODE : SCOPE_DETAIL;
		a->subject_row = smtpcode_enhanced_subject(a->subject);
		a->detail_row = smtpcode_enhanced_detail(a->subject, a->detail);
		if (a->cls)
			snprintf(shown, sizeof shown, "%u.%u.%u", a->cls, a->subject, a->detail);
		else
			snprintf(shown, sizeof shown, "X.%u.%u", a->subject, a->detail);
		a->registered = a->detail_row != NULL;
	}
	memcpy(a->code, shown, strlen(shown) + 1);
}

void
query_resolve(struct answer *a, const char *s, size_t len)
{
	size_t i;
	int dotted = 0;

	memset(a, 0, sizeof *a);
	a->query = s;
	a->len = len;
	if (len == 0) {
		fail(a, "%s", "empty query; give a code such as 550 or 5.1.1");
		return;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0) {
			fail(a, "contains a NUL byte at byte %zu; a code is ASCII digits and dots", i + 1);
			return;
		}
		if (c >= 0x80) {
			fail(a, "contains non-ASCII text at byte %zu; a code is ASCII digits and dots", i + 1);
			return;
		}
		if (c == '.')
			dotted = 1;
	}
	if (dotted) {
		resolve_enhanced(a);
		return;
	}
	if (len == 3 && is_digit((unsigned char)s[0]) && is_x(s + 1, 1) && is_x(s + 2, 1)) {
		if (s[0] < '2' || s[0] > '5') {
			fail(a, "class %c does not exist: the first digit of a reply code is 2, 3, 4 or 5", s[0]);
			return;
		}
		a->kind = QUERY_CLASS;
		a->basic_code = (unsigned)(s[0] - '0') * 100;
		a->class_row = smtpcode_enhanced_class((unsigned)(s[0] - '0'));
		snprintf(a->code, sizeof a->code, "%cxx", s[0]);
		a->registered = 1;
		return;
	}
	for (i = 0; i < len; i++) {
		if (!is_digit((unsigned char)s[i])) {
			fail(a, "%s", "not a reply code; give 3 digits such as 550, a class such as 5xx, or an enhanced "
			              "code such as 5.1.1");
			return;
		}
	}
	resolve_basic(a);
}

/* The row whose defaults speak for an enhanced answer: the most specific one. */
static const struct smtpcode_enhanced *
best_row(const struct answer *a)
{
	if (a->detail_row)
		return a->detail_row;
	if (a->subject_row && a->scope != SCOPE_CLASS)
		return a->subject_row;
	return NULL;
}

/* An unregistered code that a vendor defines (5.7.606) is answered with the
 * vendor's meaning; a registered one keeps the registry's. */
static const struct smtpcode_vendor_code *
own_vendor_code(const struct answer *a)
{
	struct smtpcode_enhanced_code c;

	if (a->kind != QUERY_ENHANCED || a->detail_row || a->scope != SCOPE_CODE)
		return NULL;
	c.cls = a->cls;
	c.subject = a->subject;
	c.detail = a->detail;
	return smtpcode_vendor_code_find(SMTPCODE_VENDOR_UNKNOWN, &c);
}

enum smtpcode_reason
answer_reason(const struct answer *a)
{
	const struct smtpcode_vendor_code *vc = own_vendor_code(a);

	const struct smtpcode_enhanced *e;

	if (a->kind == QUERY_BASIC)
		return a->basic ? (enum smtpcode_reason)a->basic->reason
		                : (a->basic_code / 100 <= 3 ? SMTPCODE_REASON_ACCEPTED : SMTPCODE_REASON_UNKNOWN);
	if (a->cls == 2)
		return SMTPCODE_REASON_ACCEPTED;
	if (vc)
		return (enum smtpcode_reason)vc->reason;
	e = best_row(a);
	return e ? (enum smtpcode_reason)e->reason : SMTPCODE_REASON_UNKNOWN;
}

enum smtpcode_action
answer_action(const struct answer *a)
{
	const struct smtpcode_enhanced *e;
	const struct smtpcode_vendor_code *vc = own_vendor_code(a);

	if (a->kind == QUERY_BASIC) {
		if (a->basic)
			return (enum smtpcode_action)a->basic->action;
		return a->basic_code / 100 <= 3 ? SMTPCODE_ACTION_NONE
		       : a->basic_code / 100 == 4 ? SMTPCODE_ACTION_RETRY_LATER : SMTPCODE_ACTION_INVESTIGATE;
	}
	if (a->cls == 2)
		return SMTPCODE_ACTION_NONE;
	if (vc && a->cls == 5)
		return vc->action != SMTPCODE_FROM_REASON ? (enum smtpcode_action)vc->action
		                                          : smtpcode_reason_action((enum smtpcode_reason)vc->reason);
	e = best_row(a);
	if (a->cls == 4 && (!e || e->action != SMTPCODE_ACTION_SLOW_DOWN))
		return SMTPCODE_ACTION_RETRY_LATER;
	return e ? (enum smtpcode_action)e->action : SMTPCODE_ACTION_INVESTIGATE;
}

enum smtpcode_bounce
answer_bounce(const struct answer *a)
{
	const struct smtpcode_enhanced *e;

	if (a->kind == QUERY_BASIC) {
		if (a->basic)
			return (enum smtpcode_bounce)a->basic->bounce;
		return a->basic_code / 100 <= 3 ? SMTPCODE_BOUNCE_NONE
		       : a->basic_code / 100 == 4 ? SMTPCODE_BOUNCE_SOFT : SMTPCODE_BOUNCE_UNKNOWN;
	}
	if (!a->cls)
		return SMTPCODE_BOUNCE_UNKNOWN; /* X.s.d: depends on the class */
	if (own_vendor_code(a) && a->cls == 5) {
		const struct smtpcode_vendor_code *vc = own_vendor_code(a);
		return vc->bounce != SMTPCODE_FROM_REASON ? (enum smtpcode_bounce)vc->bounce
		                                          : smtpcode_reason_bounce((enum smtpcode_reason)vc->reason);
	}
	e = best_row(a);
	if (a->cls == 5 && !e)
		return SMTPCODE_BOUNCE_UNKNOWN;
	return smtpcode_enhanced_bounce(e, a->cls);
}

enum smtpcode_verdict
answer_verdict(const struct answer *a)
{
	if (a->kind == QUERY_BASIC && a->basic)
		return (enum smtpcode_verdict)a->basic->verdict;
	if (a->kind == QUERY_BASIC && a->basic_code / 100 == 3)
		return SMTPCODE_VERDICT_UNKNOWN;
	return smtpcode_verdict_for(answer_bounce(a));
}

size_t
answer_vendor_codes(const struct answer *a, const struct smtpcode_vendor_code **out, size_t max)
{
	size_t i, n = 0;

	if (a->kind != QUERY_ENHANCED || (a->scope != SCOPE_CODE && a->scope != SCOPE_DETAIL))
		return 0;
	for (i = 0; i < smtpcode_vendor_code_count(); i++) {
		const struct smtpcode_vendor_code *vc = smtpcode_vendor_code_at(i);
		if ((a->cls && vc->cls != a->cls) || vc->subject != a->subject || a->detail < vc->first ||
		    a->detail > vc->last)
			continue;
		if (n < max)
			out[n] = vc;
		n++;
	}
	return n;
}

size_t
class_soft_reasons(enum smtpcode_reason *out, size_t max)
{
	size_t n = 0;
	int r;

	for (r = 0; r < SMTPCODE_REASON_COUNT; r++)
		if (smtpcode_reason_bounce((enum smtpcode_reason)r) == SMTPCODE_BOUNCE_SOFT && n < max)
			out[n++] = (enum smtpcode_reason)r;
	return n;
}
