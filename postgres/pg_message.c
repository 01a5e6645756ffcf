/* smtpcode_message(bytea | text, stage): one row per recipient of a bounce
 * message, read by the library's reader (smtpcode_message_*), as `smtpcode
 * scan` reads one; smtpcode_message_problems(): what was odd about it. */
#include "pg_common.h"

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "catalog/pg_type.h"

/* index, line, dsn_action, report, feedback_type, truncated, then the
 * classification record, whose recipient is the one the report names (as
 * in docs/json.md: every record has one recipient). */
#define LEAD 6
#define RECIPIENT (LEAD + 13)
static const char *const lead_names[LEAD + 1] = {
	"index", "line", "dsn_action", "report", "feedback_type", "truncated", NULL,
};
static const struct pgsc_shape recipient_shape = {lead_names, NULL, &pgsc_result_shape};

/* Fed a piece at a time, so that a long message can be cancelled. */
#define PIECE (1024 * 1024)

struct collector {
	struct pgsc_cache *cache;
	ReturnSetInfo *rsinfo;
};

/* A record of a bounce message is classified when the report says what
 * became of the recipient, though it may not say why (docs/json.md). */
static bool
recipient_classified(const struct smtpcode_recipient *rcpt)
{
	const struct smtpcode_result *r = &rcpt->result;

	return r->decided_by != SMTPCODE_SIGNAL_NONE || r->reply.enhanced.cls || rcpt->action != SMTPCODE_DSN_NONE;
}

static void
on_recipient(void *ctx, const struct smtpcode_recipient *rcpt)
{
	struct collector *col = ctx;
	Datum v[LEAD + PGSC_RESULT_FIELDS];
	bool isnull[LEAD + PGSC_RESULT_FIELDS] = {false};

	v[0] = Int32GetDatum((int32)rcpt->index);
	v[1] = Int64GetDatum((int64)rcpt->line);
	isnull[2] = rcpt->action == SMTPCODE_DSN_NONE;
	v[2] = isnull[2] ? (Datum)0 : CStringGetTextDatum(smtpcode_dsn_action_name(rcpt->action));
	v[3] = CStringGetTextDatum(smtpcode_report_name(rcpt->report));
	v[4] = pgsc_span(rcpt->feedback_type, &isnull[4]);
	v[5] = BoolGetDatum((rcpt->flags & SMTPCODE_RECIPIENT_CUT) != 0);
	pgsc_result_values(col->cache, &rcpt->result, recipient_classified(rcpt), v + LEAD, isnull + LEAD);
	v[RECIPIENT] = pgsc_span(rcpt->address, &isnull[RECIPIENT]);
	tuplestore_putvalues(col->rsinfo->setResult, col->rsinfo->setDesc, v, isnull);
}

/* Reads buf[0..len) as one message; returns what smtpcode_message_problems()
 * says of it. */
static unsigned
read_message(const char *buf, size_t len, enum smtpcode_stage stage, smtpcode_recipient_fn fn, void *ctx)
{
	struct smtpcode_message *m = palloc(sizeof *m); /* 144 KiB: not for the stack */
	size_t off, n;
	unsigned problems;

	if (smtpcode_message_init(m, stage, fn, ctx) != 0)
		elog(ERROR, "smtpcode: smtpcode_message_init refused its arguments");
	for (off = 0; off < len; off += n) {
		n = len - off < PIECE ? len - off : PIECE;
		CHECK_FOR_INTERRUPTS();
		if (smtpcode_message_feed(m, buf + off, n) != 0)
			elog(ERROR, "smtpcode: smtpcode_message_feed refused its arguments");
	}
	if (smtpcode_message_end(m) < 0)
		elog(ERROR, "smtpcode: smtpcode_message_end refused its arguments");
	problems = smtpcode_message_problems(m);
	pfree(m);
	return problems;
}

static Datum
message_rows(FunctionCallInfo fcinfo, const char *buf, size_t len)
{
	struct collector col;

	InitMaterializedSRF(fcinfo, 0);
	col.rsinfo = (ReturnSetInfo *)fcinfo->resultinfo;
	if (!buf)
		return (Datum)0; /* a NULL message has no recipients */
	col.cache = pgsc_cache_get(fcinfo, col.rsinfo->setDesc, &recipient_shape);
	read_message(buf, len, pgsc_stage_arg(fcinfo, 1), on_recipient, &col);
	return (Datum)0;
}

PG_FUNCTION_INFO_V1(smtpcode_pg_message_bytea);
Datum
smtpcode_pg_message_bytea(PG_FUNCTION_ARGS)
{
	bytea *b = PG_ARGISNULL(0) ? NULL : PG_GETARG_BYTEA_PP(0);

	return message_rows(fcinfo, b ? VARDATA_ANY(b) : NULL, b ? VARSIZE_ANY_EXHDR(b) : 0);
}

PG_FUNCTION_INFO_V1(smtpcode_pg_message);
Datum
smtpcode_pg_message(PG_FUNCTION_ARGS)
{
	const char *s = NULL;
	size_t len = 0;

	if (!PG_ARGISNULL(0))
		s = pgsc_text_arg(PG_GETARG_TEXT_PP(0), &len);
	return message_rows(fcinfo, s, len);
}

static void
ignore(void *ctx, const struct smtpcode_recipient *rcpt)
{
	(void)ctx;
	(void)rcpt;
}

/* The sentences of smtpcode_message_problem_text() for what was odd about
 * the message, in bit order; an empty array when nothing was. */
PG_FUNCTION_INFO_V1(smtpcode_pg_message_problems);
Datum
smtpcode_pg_message_problems(PG_FUNCTION_ARGS)
{
	bytea *b = PG_GETARG_BYTEA_PP(0);
	unsigned problems = read_message(VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), SMTPCODE_STAGE_UNKNOWN, ignore, NULL);
	Datum texts[32];
	int i, n = 0;

	for (i = 0; i < 32; i++) {
		const char *s = (problems & (1u << i))
		                ? smtpcode_message_problem_text((enum smtpcode_message_problem)(1u << i)) : NULL;
		if (s)
			texts[n++] = CStringGetTextDatum(s);
	}
	if (!n)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(TEXTOID));
	PG_RETURN_ARRAYTYPE_P(construct_array(texts, n, TEXTOID, -1, false, TYPALIGN_INT));
}
