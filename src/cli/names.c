#include <string.h>

#include "json.h"
#include "names.h"

enum kind { REASON, ACTION, BOUNCE, VERDICT, VENDOR };

static const char *const kind_names[] = {"reason", "action", "bounce", "verdict", "vendor"};

/* Which kind of name q is, and its value; -1 when none. */
static int
lookup(const char *q, enum kind *kind, int *value)
{
	char lower[64];
	size_t i, len = strlen(q);
	int v;

	if (len == 0 || len >= sizeof lower)
		return -1;
	for (i = 0; i < len; i++)
		lower[i] = (char)(q[i] >= 'A' && q[i] <= 'Z' ? q[i] + 32 : q[i]);
	lower[len] = '\0';
	if ((v = smtpcode_reason_from_name(lower, len)) >= 0)
		*kind = REASON;
	else if ((v = smtpcode_action_from_name(lower, len)) >= 0)
		*kind = ACTION;
	else if ((v = smtpcode_bounce_from_name(lower, len)) >= 0)
		*kind = BOUNCE;
	else if ((v = smtpcode_verdict_from_name(lower, len)) >= 0)
		*kind = VERDICT;
	else if ((v = smtpcode_vendor_from_name(lower, len)) > 0) /* 0 is "unknown" */
		*kind = VENDOR;
	else
		return -1;
	*value = v;
	return 0;
}

static const char *
name_of(enum kind k, int v)
{
	switch (k) {
	case REASON: return smtpcode_reason_name((enum smtpcode_reason)v);
	case ACTION: return smtpcode_action_name((enum smtpcode_action)v);
	case BOUNCE: return smtpcode_bounce_name((enum smtpcode_bounce)v);
	case VERDICT: return smtpcode_verdict_name((enum smtpcode_verdict)v);
	default: return smtpcode_vendor_name((enum smtpcode_vendor)v);
	}
}

static const char *
title_of(enum kind k, int v)
{
	switch (k) {
	case REASON: return smtpcode_reason_title((enum smtpcode_reason)v);
	case ACTION: return smtpcode_action_title((enum smtpcode_action)v);
	case BOUNCE: return smtpcode_bounce_title((enum smtpcode_bounce)v);
	case VERDICT: return smtpcode_verdict_title((enum smtpcode_verdict)v);
	default: return smtpcode_vendor_title((enum smtpcode_vendor)v);
	}
}

static const char *
description_of(enum kind k, int v)
{
	switch (k) {
	case REASON: return smtpcode_reason_description((enum smtpcode_reason)v);
	case ACTION: return smtpcode_action_description((enum smtpcode_action)v);
	case BOUNCE: return smtpcode_bounce_description((enum smtpcode_bounce)v);
	case VERDICT: return smtpcode_verdict_description((enum smtpcode_verdict)v);
	default: return NULL; /* vendor descriptions are in data/vendors.toml, not the library */
	}
}

int
answer_name(FILE *out, const struct style *st, int json, const char *q)
{
	enum kind k;
	int v;
	char buf[512];

	if (lookup(q, &k, &v) != 0)
		return -1;
	if (json) {
		struct json j;
		json_init(&j, out);
		json_begin_object(&j, NULL);
		json_string(&j, "query", q);
		json_string(&j, "kind", kind_names[k]);
		json_string(&j, "name", name_of(k, v));
		json_string(&j, "title", title_of(k, v));
		json_string(&j, "description", description_of(k, v));
		if (k == REASON) {
			json_string(&j, "action", smtpcode_action_name(smtpcode_reason_action((enum smtpcode_reason)v)));
			json_string(&j, "bounce", smtpcode_bounce_name(smtpcode_reason_bounce((enum smtpcode_reason)v)));
		}
		json_bool(&j, "invalid_utf8", j.replaced); /* last, as in every answer */
		json_end_object(&j);
		return 0;
	}
	fprintf(out, "%s%s%s  %s  (%s)\n", render_sgr(st, "\033[1m"), name_of(k, v), render_sgr(st, "\033[0m"),
	        title_of(k, v), kind_names[k]);
	if (description_of(k, v))
		render_field(out, st, "Meaning", description_of(k, v));
	if (k == REASON) {
		enum smtpcode_action a = smtpcode_reason_action((enum smtpcode_reason)v);
		snprintf(buf, sizeof buf, "%s: %s", smtpcode_action_name(a), smtpcode_action_description(a));
		render_field(out, st, "What to do", buf);
		snprintf(buf, sizeof buf, "%s, when the failure is permanent (a 4xx is always soft)",
		         smtpcode_bounce_name(smtpcode_reason_bounce((enum smtpcode_reason)v)));
		render_field(out, st, "Bounce", buf);
	}
	if (k == VENDOR)
		render_field(out, st, "See", "smtpcode list vendors; smtpcode scan shows which replies it sent");
	return 0;
}
