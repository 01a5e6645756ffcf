/* The taxonomy as tables, for reports that join names to titles:
 * smtpcode_reasons(), smtpcode_actions(), smtpcode_bounces(),
 * smtpcode_verdicts(), smtpcode_vendors(); and the versions. */
#include "pg_common.h"

#include "funcapi.h"
#include "utils/builtins.h"

static const char *const reason_names[] = {"name", "title", "description", "action", "bounce", NULL};
static const enum pgsc_enum reason_enums[] = {PGSC_REASON, 0, 0, PGSC_ACTION, PGSC_BOUNCE};
static const struct pgsc_shape reason_shape = {reason_names, reason_enums, NULL};

static const char *const named_names[] = {"name", "title", "description", NULL};
static const enum pgsc_enum action_enums[] = {PGSC_ACTION, 0, 0};
static const enum pgsc_enum bounce_enums[] = {PGSC_BOUNCE, 0, 0};
static const enum pgsc_enum verdict_enums[] = {PGSC_VERDICT, 0, 0};
static const struct pgsc_shape action_shape = {named_names, action_enums, NULL};
static const struct pgsc_shape bounce_shape = {named_names, bounce_enums, NULL};
static const struct pgsc_shape verdict_shape = {named_names, verdict_enums, NULL};

static const char *const vendor_names[] = {"name", "title", NULL};
static const struct pgsc_shape vendor_shape = {vendor_names, NULL, NULL};

/* One row per value of an enum: its label, title and description. */
static Datum
named_rows(FunctionCallInfo fcinfo, const struct pgsc_shape *shape, enum pgsc_enum kind, int count,
           const char *(*title)(int), const char *(*description)(int))
{
	ReturnSetInfo *rsinfo;
	struct pgsc_cache *c;
	int v;

	InitMaterializedSRF(fcinfo, 0);
	rsinfo = (ReturnSetInfo *)fcinfo->resultinfo;
	c = pgsc_cache_get(fcinfo, rsinfo->setDesc, shape);
	for (v = 0; v < count; v++) {
		Datum d[5];
		bool isnull[5] = {false};

		d[0] = pgsc_label(c, kind, v);
		d[1] = CStringGetTextDatum(title(v));
		d[2] = CStringGetTextDatum(description(v));
		if (kind == PGSC_REASON) {
			d[3] = pgsc_label(c, PGSC_ACTION, (int)smtpcode_reason_action((enum smtpcode_reason)v));
			d[4] = pgsc_label(c, PGSC_BOUNCE, (int)smtpcode_reason_bounce((enum smtpcode_reason)v));
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, d, isnull);
	}
	return (Datum)0;
}

/* The library's functions take their own enum types. */
static const char *reason_title(int v) { return smtpcode_reason_title((enum smtpcode_reason)v); }
static const char *reason_description(int v) { return smtpcode_reason_description((enum smtpcode_reason)v); }
static const char *action_title(int v) { return smtpcode_action_title((enum smtpcode_action)v); }
static const char *action_description(int v) { return smtpcode_action_description((enum smtpcode_action)v); }
static const char *bounce_title(int v) { return smtpcode_bounce_title((enum smtpcode_bounce)v); }
static const char *bounce_description(int v) { return smtpcode_bounce_description((enum smtpcode_bounce)v); }
static const char *verdict_title(int v) { return smtpcode_verdict_title((enum smtpcode_verdict)v); }
static const char *verdict_description(int v) { return smtpcode_verdict_description((enum smtpcode_verdict)v); }

PG_FUNCTION_INFO_V1(smtpcode_pg_reasons);
Datum
smtpcode_pg_reasons(PG_FUNCTION_ARGS)
{
	return named_rows(fcinfo, &reason_shape, PGSC_REASON, SMTPCODE_REASON_COUNT, reason_title, reason_description);
}

PG_FUNCTION_INFO_V1(smtpcode_pg_actions);
Datum
smtpcode_pg_actions(PG_FUNCTION_ARGS)
{
	return named_rows(fcinfo, &action_shape, PGSC_ACTION, SMTPCODE_ACTION_COUNT, action_title, action_description);
}

PG_FUNCTION_INFO_V1(smtpcode_pg_bounces);
Datum
smtpcode_pg_bounces(PG_FUNCTION_ARGS)
{
	return named_rows(fcinfo, &bounce_shape, PGSC_BOUNCE, SMTPCODE_BOUNCE_COUNT, bounce_title, bounce_description);
}

PG_FUNCTION_INFO_V1(smtpcode_pg_verdicts);
Datum
smtpcode_pg_verdicts(PG_FUNCTION_ARGS)
{
	return named_rows(fcinfo, &verdict_shape, PGSC_VERDICT, SMTPCODE_VERDICT_COUNT, verdict_title,
	                  verdict_description);
}

/* Every vendor the classifier recognises (not "unknown": a result names no
 * vendor then), as the vendor column of a result names it. */
PG_FUNCTION_INFO_V1(smtpcode_pg_vendors);
Datum
smtpcode_pg_vendors(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo;
	int v;

	InitMaterializedSRF(fcinfo, 0);
	rsinfo = (ReturnSetInfo *)fcinfo->resultinfo;
	pgsc_cache_get(fcinfo, rsinfo->setDesc, &vendor_shape);
	for (v = SMTPCODE_VENDOR_UNKNOWN + 1; v < SMTPCODE_VENDOR_COUNT; v++) {
		Datum d[2];
		bool isnull[2] = {false};

		d[0] = CStringGetTextDatum(smtpcode_vendor_name((enum smtpcode_vendor)v));
		d[1] = CStringGetTextDatum(smtpcode_vendor_title((enum smtpcode_vendor)v));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, d, isnull);
	}
	return (Datum)0;
}

/* The library's version, and that of the data compiled into it. */
PG_FUNCTION_INFO_V1(smtpcode_pg_version);
Datum
smtpcode_pg_version(PG_FUNCTION_ARGS)
{
	(void)fcinfo;
	PG_RETURN_TEXT_P(cstring_to_text(smtpcode_version()));
}

PG_FUNCTION_INFO_V1(smtpcode_pg_data_version);
Datum
smtpcode_pg_data_version(PG_FUNCTION_ARGS)
{
	(void)fcinfo;
	PG_RETURN_TEXT_P(cstring_to_text(smtpcode_data_version()));
}
