/* smtpcode_basic(int) and smtpcode_enhanced(text): what the data says of a
 * code, worked out by the CLI's own query code (src/cli/query.c), so that
 * SQL and `smtpcode --json CODE` give the same answer. */
#include "pg_common.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "query.h"

static const char *const basic_names[] = {
	"code", "registered", "class", "category", "status", "title", "meaning", "causes", "reason", "action",
	"bounce", "verdict", "advice", "rfc", "commands", "related", "notes", NULL,
};
static const enum pgsc_enum basic_enums[sizeof basic_names / sizeof *basic_names] = {
	[8] = PGSC_REASON, [9] = PGSC_ACTION, [10] = PGSC_BOUNCE, [11] = PGSC_VERDICT,
};
static const struct pgsc_shape basic_shape = {basic_names, basic_enums, NULL};
#define BASIC_FIELDS (sizeof basic_names / sizeof *basic_names - 1)

static const char *const enhanced_names[] = {
	"code", "registered", "scope", "class", "subject", "detail", "registry_code", "title", "meaning", "classes",
	"causes", "reason", "action", "bounce", "verdict", "advice", "rfc", "basic", "related", "deprecated",
	"replaced_by", "notes", NULL,
};
static const enum pgsc_enum enhanced_enums[sizeof enhanced_names / sizeof *enhanced_names] = {
	[11] = PGSC_REASON, [12] = PGSC_ACTION, [13] = PGSC_BOUNCE, [14] = PGSC_VERDICT,
};
static const struct pgsc_shape enhanced_shape = {enhanced_names, enhanced_enums, NULL};
#define ENHANCED_FIELDS (sizeof enhanced_names / sizeof *enhanced_names - 1)

/* A text, or NULL when the table has none (""). */
static Datum
text_or_null(const char *s, bool *isnull)
{
	*isnull = !s || !*s;
	return *isnull ? (Datum)0 : CStringGetTextDatum(s);
}

static Datum
list_array(struct smtpcode_list l)
{
	Datum *items;
	size_t i;

	if (!l.count)
		return PointerGetDatum(construct_empty_array(TEXTOID));
	items = palloc(l.count * sizeof *items);
	for (i = 0; i < l.count; i++)
		items[i] = CStringGetTextDatum(smtpcode_list_at(l, i));
	return PointerGetDatum(construct_array(items, (int)l.count, TEXTOID, -1, false, TYPALIGN_INT));
}

/* reason, action, bounce and verdict of an answer, at v[0..4). */
static void
outcome(const struct pgsc_cache *c, const struct answer *a, Datum *v)
{
	v[0] = pgsc_label(c, PGSC_REASON, (int)answer_reason(a));
	v[1] = pgsc_label(c, PGSC_ACTION, (int)answer_action(a));
	v[2] = pgsc_label(c, PGSC_BOUNCE, (int)answer_bounce(a));
	v[3] = pgsc_label(c, PGSC_VERDICT, (int)answer_verdict(a));
}

static void
refuse(const struct answer *a, int sqlstate, const char *hint)
{
	ereport(ERROR, (errcode(sqlstate), errmsg("smtpcode: %s", a->message),
	                hint ? errhint("%s", hint) : 0));
}

PG_FUNCTION_INFO_V1(smtpcode_pg_basic);
Datum
smtpcode_pg_basic(PG_FUNCTION_ARGS)
{
	struct pgsc_cache *c = pgsc_cache_for_result(fcinfo, &basic_shape);
	char query[16];
	struct answer a;
	const struct smtpcode_basic *b;
	Datum v[BASIC_FIELDS];
	bool isnull[BASIC_FIELDS] = {false};
	static const char *const status[] = {"standard", "experimental", "deprecated", "registry-only"};
	static const struct smtpcode_list none;

	snprintf(query, sizeof query, "%d", PG_GETARG_INT32(0));
	query_resolve(&a, query, strlen(query));
	if (a.kind == QUERY_ERROR)
		refuse(&a, ERRCODE_INVALID_PARAMETER_VALUE, "A basic reply code has three digits, the first 2, 3, 4 or 5.");
	if (a.kind != QUERY_BASIC)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
		                errmsg("smtpcode: %s is not a three-digit reply code", query)));
	b = a.basic;
	v[0] = Int32GetDatum((int32)a.basic_code);
	v[1] = BoolGetDatum(b != NULL);
	v[2] = Int32GetDatum((int32)(a.basic_code / 100));
	v[3] = Int32GetDatum((int32)(a.basic_code / 10 % 10));
	v[4] = text_or_null(b ? status[b->status] : NULL, &isnull[4]);
	v[5] = text_or_null(b ? smtpcode_text(b->title) : NULL, &isnull[5]);
	v[6] = text_or_null(b ? smtpcode_text(b->meaning) : smtpcode_basic_class_meaning(a.basic_code / 100), &isnull[6]);
	v[7] = list_array(b ? b->causes : none);
	outcome(c, &a, v + 8);
	v[12] = text_or_null(b ? smtpcode_text(b->advice) : smtpcode_action_description(answer_action(&a)), &isnull[12]);
	v[13] = list_array(b ? b->rfc : none);
	v[14] = list_array(b ? b->commands : none);
	v[15] = list_array(b ? b->related : none);
	v[16] = text_or_null(b ? smtpcode_text(b->notes) : NULL, &isnull[16]);
	return HeapTupleGetDatum(heap_form_tuple(c->tupdesc, v, isnull));
}

static Datum
int_or_null(unsigned n, bool present, bool *isnull)
{
	*isnull = !present;
	return Int32GetDatum((int32)n);
}

static Datum
classes_array(const struct smtpcode_enhanced *row)
{
	static const unsigned classes[3] = {2, 4, 5};
	Datum items[3];
	int i, n = 0;

	for (i = 0; row && i < 3; i++)
		if (row->classes & (1u << classes[i]))
			items[n++] = Int32GetDatum((int32)classes[i]);
	if (!n)
		return PointerGetDatum(construct_empty_array(INT4OID));
	return PointerGetDatum(construct_array(items, n, INT4OID, sizeof(int32), true, TYPALIGN_INT));
}

PG_FUNCTION_INFO_V1(smtpcode_pg_enhanced);
Datum
smtpcode_pg_enhanced(PG_FUNCTION_ARGS)
{
	struct pgsc_cache *c = pgsc_cache_for_result(fcinfo, &enhanced_shape);
	text *t = PG_GETARG_TEXT_PP(0);
	struct answer a;
	const struct smtpcode_enhanced *row;
	Datum v[ENHANCED_FIELDS];
	bool isnull[ENHANCED_FIELDS] = {false};
	static const char *const scope[] = {"code", "detail", "subject", "class"};
	static const struct smtpcode_list none;

	query_resolve(&a, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	if (a.kind == QUERY_ERROR)
		refuse(&a, ERRCODE_INVALID_TEXT_REPRESENTATION, "An enhanced status code is class.subject.detail, such as 5.1.1, X.1.1, 5.1.X or 5.X.X.");
	if (a.kind != QUERY_ENHANCED)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
		                errmsg("smtpcode: '%s' is a basic reply code, not an enhanced status code", a.code),
		                errhint("Use smtpcode_basic() for three-digit codes.")));
	row = a.scope == SCOPE_CLASS ? a.class_row : a.scope == SCOPE_SUBJECT ? a.subject_row : a.detail_row;
	v[0] = CStringGetTextDatum(a.code);
	v[1] = BoolGetDatum(row != NULL);
	v[2] = CStringGetTextDatum(scope[a.scope]);
	v[3] = int_or_null(a.cls, a.cls != 0, &isnull[3]);
	v[4] = int_or_null(a.subject, a.scope != SCOPE_CLASS, &isnull[4]);
	v[5] = int_or_null(a.detail, a.scope == SCOPE_CODE || a.scope == SCOPE_DETAIL, &isnull[5]);
	v[6] = text_or_null(row ? smtpcode_text(row->code) : NULL, &isnull[6]);
	v[7] = text_or_null(row ? smtpcode_text(row->title) : NULL, &isnull[7]);
	v[8] = text_or_null(row ? smtpcode_text(row->meaning) : a.class_row ? smtpcode_text(a.class_row->meaning) : NULL,
	                    &isnull[8]);
	v[9] = classes_array(row);
	v[10] = list_array(row ? row->causes : none);
	outcome(c, &a, v + 11);
	v[15] = text_or_null(row ? smtpcode_text(row->advice) : smtpcode_action_description(answer_action(&a)),
	                     &isnull[15]);
	v[16] = list_array(row ? row->rfc : none);
	v[17] = list_array(row ? row->basic : none);
	v[18] = list_array(row ? row->related : none);
	v[19] = BoolGetDatum(row && row->deprecated);
	v[20] = text_or_null(row ? smtpcode_text(row->replaced_by) : NULL, &isnull[20]);
	v[21] = text_or_null(row ? smtpcode_text(row->notes) : NULL, &isnull[21]);
	return HeapTupleGetDatum(heap_form_tuple(c->tupdesc, v, isnull));
}
