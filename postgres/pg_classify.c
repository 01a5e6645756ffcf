/* smtpcode_classify(text | bytea, stage, host): one classification record,
 * as smtpcode_classify() gives it and `smtpcode explain --json` writes it. */
#include "pg_common.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/builtins.h"

static Datum
classify(FunctionCallInfo fcinfo, const char *buf, size_t len)
{
	struct pgsc_cache *c = pgsc_cache_for_result(fcinfo, &pgsc_result_shape);
	enum smtpcode_stage stage = pgsc_stage_arg(fcinfo, 1);
	const char *host = NULL;
	size_t host_len = 0;
	struct smtpcode_result r;
	Datum v[PGSC_RESULT_FIELDS];
	bool isnull[PGSC_RESULT_FIELDS];
	int rc;

	if (PG_NARGS() > 2 && !PG_ARGISNULL(2))
		host = pgsc_text_arg(PG_GETARG_TEXT_PP(2), &host_len);
	rc = smtpcode_classify(buf, len, stage, host, host_len, &r);
	if (rc == SMTPCODE_EINVAL)
		elog(ERROR, "smtpcode: smtpcode_classify refused its arguments: %s", smtpcode_strerror(rc));
	pgsc_result_values(c, &r, rc == 0, v, isnull);
	return HeapTupleGetDatum(heap_form_tuple(c->tupdesc, v, isnull));
}

PG_FUNCTION_INFO_V1(smtpcode_pg_classify);
Datum
smtpcode_pg_classify(PG_FUNCTION_ARGS)
{
	const char *s;
	size_t len;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = pgsc_text_arg(PG_GETARG_TEXT_PP(0), &len);
	return classify(fcinfo, s, len);
}

/* Any bytes: a reply as it came off the wire, not valid UTF-8 perhaps. */
PG_FUNCTION_INFO_V1(smtpcode_pg_classify_bytea);
Datum
smtpcode_pg_classify_bytea(PG_FUNCTION_ARGS)
{
	bytea *b;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	b = PG_GETARG_BYTEA_PP(0);
	return classify(fcinfo, VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b));
}
