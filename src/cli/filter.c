/* The records scan and stats keep (filter.h). */
#include "filter.h"

#include <stdio.h>
#include <string.h>

#include "timestamp.h"

void
filter_init(struct filter *f)
{
	memset(f, 0, sizeof *f);
	f->any_reason = f->any_bounce = f->any_verdict = f->any_vendor = f->any_stage = 1;
}

/* A taxonomy of names: how many, the name of each, the value of a name. */
struct names {
	const char *what;     /* "reason" */
	int count;
	const char *(*name)(int);
	const char *extra;    /* a name for value 0 besides its own ("none" for no vendor), or NULL */
};

static const char *reason_name(int v) { return smtpcode_reason_name((enum smtpcode_reason)v); }
static const char *bounce_name(int v) { return smtpcode_bounce_name((enum smtpcode_bounce)v); }
static const char *verdict_name(int v) { return smtpcode_verdict_name((enum smtpcode_verdict)v); }
static const char *vendor_name(int v) { return v ? smtpcode_vendor_name((enum smtpcode_vendor)v) : "none"; }
static const char *stage_name(int v) { return smtpcode_stage_name((enum smtpcode_stage)v); }

static const struct names taxonomies[] = {
	{"reason", SMTPCODE_REASON_COUNT, reason_name, NULL},
	{"bounce type", SMTPCODE_BOUNCE_COUNT, bounce_name, NULL},
	{"verdict", SMTPCODE_VERDICT_COUNT, verdict_name, NULL},
	{"vendor", SMTPCODE_VENDOR_COUNT, vendor_name, NULL},
	{"stage", SMTPCODE_STAGE_COUNT, stage_name, NULL},
};

/* "unknown reason 'x': use a, b, c" into err. */
static void
unknown_name(const struct names *t, const char *value, size_t len, char *err, size_t size)
{
	size_t n;
	int v;

	n = (size_t)snprintf(err, size, "unknown %s '%.*s': use ", t->what, (int)(len > 60 ? 60 : len), value);
	for (v = 0; v < t->count && n < size; v++)
		n += (size_t)snprintf(err + n, size - n, "%s%s", v ? ", " : "", t->name(v));
}

static int
by_name(const struct names *t, unsigned char *set, const char *value, size_t len, char *err, size_t size)
{
	int v;

	for (v = 0; v < t->count; v++) {
		const char *name = t->name(v);
		if (strlen(name) == len && memcmp(name, value, len) == 0) {
			set[v] = 1;
			return 0;
		}
	}
	unknown_name(t, value, len, err, size);
	return -1;
}

/* 550, 5xx, 5.7.26, 5.7.X, X.1.1: a number of 1 to 3 digits, or X. */
static int
code_part(const char *s, size_t len, int max)
{
	int v = 0;
	size_t i;

	if (len == 1 && (s[0] == 'X' || s[0] == 'x'))
		return -1;
	if (len == 0 || len > 3)
		return -2;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -2;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -2;
}

static int
code_value(struct code_pattern *p, const char *s, size_t len)
{
	const char *dot1 = memchr(s, '.', len), *dot2;

	p->basic = p->basic_class = -1;
	p->cls = 0;
	if (!dot1) {
		if (len == 3 && s[0] >= '2' && s[0] <= '5' && (s[1] == 'x' || s[1] == 'X') && (s[2] == 'x' || s[2] == 'X')) {
			p->basic_class = s[0] - '0';
			return 0;
		}
		if (len == 3 && code_part(s, 3, 599) >= 200) {
			p->basic = code_part(s, 3, 599);
			return 0;
		}
		return -1;
	}
	dot2 = memchr(dot1 + 1, '.', (size_t)(s + len - dot1 - 1));
	if (!dot2 || memchr(dot2 + 1, '.', (size_t)(s + len - dot2 - 1)))
		return -1;
	p->cls = code_part(s, (size_t)(dot1 - s), 5);
	p->subject = code_part(dot1 + 1, (size_t)(dot2 - dot1 - 1), 999);
	p->detail = code_part(dot2 + 1, (size_t)(s + len - dot2 - 1), 999);
	if (p->cls == -2 || p->subject == -2 || p->detail == -2 || (p->cls >= 0 && p->cls != 2 && p->cls != 4 && p->cls != 5))
		return -1;
	return 0;
}

static int
domain_value(const char *s, size_t len)
{
	size_t i, start = 0;

	if (len >= 2 && s[0] == '*' && s[1] == '.')
		start = 1;
	else if (len >= 1 && s[0] == '.')
		start = 0;
	if (len <= start + 1)
		return -1;
	for (i = start; i < len; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == '@' || s[i] == ',')
			return -1;
	return 0;
}

static const char *const options[] = {"--reason", "--bounce", "--verdict", "--vendor", "--stage",
                                      "--code", "--recipient-domain", "--since", "--until"};

int
filter_option(const char *option)
{
	size_t i;

	for (i = 0; i < sizeof options / sizeof options[0]; i++)
		if (strcmp(option, options[i]) == 0)
			return 1;
	return 0;
}

int
filter_add(struct filter *f, const char *option, const char *values, long long now, char *err, size_t size)
{
	const char *v = values, *end;
	int t = -1;

	f->given = 1;
	if (strcmp(option, "--since") == 0 || strcmp(option, "--until") == 0) {
		long long usec;
		if (time_arg_parse(values, now, &usec) != 0) {
			snprintf(err, size, "%s: '%.60s' is not a time; use %s", option, values, time_arg_forms);
			return -1;
		}
		if (option[2] == 's') {
			f->since_given = 1;
			f->since = usec;
		} else {
			f->until_given = 1;
			f->until = usec;
		}
		return 0;
	}
	if (strcmp(option, "--reason") == 0)
		t = 0, f->any_reason = 0;
	else if (strcmp(option, "--bounce") == 0)
		t = 1, f->any_bounce = 0;
	else if (strcmp(option, "--verdict") == 0)
		t = 2, f->any_verdict = 0;
	else if (strcmp(option, "--vendor") == 0)
		t = 3, f->any_vendor = 0;
	else if (strcmp(option, "--stage") == 0)
		t = 4, f->any_stage = 0;
	for (;; v = end + 1) {
		size_t len;
		end = strchr(v, ',');
		if (!end)
			end = v + strlen(v);
		len = (size_t)(end - v);
		if (len == 0) {
			snprintf(err, size, "%s: an empty value in '%.60s'; give names separated by commas", option, values);
			return -1;
		}
		if (t >= 0) {
			unsigned char *set = t == 0 ? f->reason : t == 1 ? f->bounce : t == 2 ? f->verdict
			                             : t == 3 ? f->vendor : f->stage;
			if (by_name(&taxonomies[t], set, v, len, err, size) != 0)
				return -1;
		} else if (strcmp(option, "--code") == 0) {
			if (f->codes == FILTER_MAX_VALUES || code_value(&f->code[f->codes], v, len) != 0) {
				snprintf(err, size, "--code: '%.*s' is not a code; use a basic code (550), a class (5xx) or an "
				         "enhanced code with X for any part (5.7.26, 5.7.X, X.1.1)", (int)(len > 60 ? 60 : len), v);
				return -1;
			}
			f->codes++;
		} else {
			if (f->domains == FILTER_MAX_VALUES || domain_value(v, len) != 0) {
				snprintf(err, size, "--recipient-domain: '%.*s' is not a domain; use example.com, or "
				         ".example.com for it and every domain under it", (int)(len > 60 ? 60 : len), v);
				return -1;
			}
			f->domain[f->domains++] = v;
		}
		if (!*end)
			return 0;
	}
}

static int
code_matches(const struct code_pattern *p, const struct smtpcode_reply *reply)
{
	if (p->basic >= 0)
		return reply->code == (unsigned)p->basic;
	if (p->basic_class >= 0)
		return reply->code / 100 == (unsigned)p->basic_class;
	return reply->enhanced.cls && (p->cls < 0 || reply->enhanced.cls == (unsigned)p->cls) &&
	       (p->subject < 0 || reply->enhanced.subject == (unsigned)p->subject) &&
	       (p->detail < 0 || reply->enhanced.detail == (unsigned)p->detail);
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
same_text(const char *a, const char *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return 1;
}

/* The recipient's domain is the one given, or (given with a leading dot)
 * under it. */
static int
domain_matches(const char *given, struct smtpcode_span recipient)
{
	const char *at = NULL, *d;
	size_t i, len, glen;
	int under = 0;

	for (i = 0; i < recipient.len; i++)
		if (recipient.ptr[i] == '@')
			at = recipient.ptr + i;
	if (!at)
		return 0;
	d = at + 1;
	len = (size_t)(recipient.ptr + recipient.len - d);
	if (len > 0 && d[len - 1] == '.')
		len--;
	if (given[0] == '*')
		given++;
	if (given[0] == '.') {
		given++;
		under = 1;
	}
	glen = strcspn(given, ",");
	if (len == glen && same_text(d, given, len))
		return 1;
	return under && len > glen && d[len - glen - 1] == '.' && same_text(d + len - glen, given, glen);
}

int
filter_keeps(const struct filter *f, const struct scan_record *rec)
{
	const struct smtpcode_result *r = rec->r;
	size_t i;

	if (!f || !f->given)
		return 1;
	if ((!f->any_reason && !(r->reason < SMTPCODE_REASON_COUNT && f->reason[r->reason])) ||
	    (!f->any_bounce && !(r->bounce < SMTPCODE_BOUNCE_COUNT && f->bounce[r->bounce])) ||
	    (!f->any_verdict && !(r->verdict < SMTPCODE_VERDICT_COUNT && f->verdict[r->verdict])) ||
	    (!f->any_vendor && !(r->vendor < SMTPCODE_VENDOR_COUNT && f->vendor[r->vendor])) ||
	    (!f->any_stage && !(r->stage < SMTPCODE_STAGE_COUNT && f->stage[r->stage])))
		return 0;
	if (f->codes) {
		for (i = 0; i < f->codes && !code_matches(&f->code[i], &r->reply); i++)
			;
		if (i == f->codes)
			return 0;
	}
	if (f->domains) {
		for (i = 0; i < f->domains && !domain_matches(f->domain[i], rec->recipient); i++)
			;
		if (i == f->domains)
			return 0;
	}
	if (f->since_given || f->until_given) {
		if (!rec->time)
			return 0;
		if ((f->since_given && rec->time->usec < f->since) || (f->until_given && rec->time->usec >= f->until))
			return 0;
	}
	return 1;
}

int
filter_needs_time(const struct filter *f)
{
	return f && (f->since_given || f->until_given);
}
