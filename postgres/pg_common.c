/* The module's magic block and what its functions share: the per-query cache
 * of row types and enum labels, spans made into text, the arguments every
 * classifying function takes. */
#include "pg_common.h"

#include <string.h>

#include "catalog/pg_enum.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

PG_MODULE_MAGIC;

StaticAssertDecl(SMTPCODE_REASON_COUNT <= PGSC_MAX_LABELS && SMTPCODE_ACTION_COUNT <= PGSC_MAX_LABELS &&
                 SMTPCODE_BOUNCE_COUNT <= PGSC_MAX_LABELS && SMTPCODE_VERDICT_COUNT <= PGSC_MAX_LABELS,
                 "an enum of the library has more values than struct pgsc_cache holds");

static const char *const result_names[PGSC_RESULT_FIELDS + 1] = {
	"code", "enhanced", "stage", "host", "vendor", "reason", "action", "bounce", "verdict", "decided_by",
	"matched", "carrier", "reply", "recipient", "queue_id", "timestamp", "log_status", "flags", "classified", NULL,
};

static const enum pgsc_enum result_enums[PGSC_RESULT_FIELDS] = {
	[5] = PGSC_REASON, [6] = PGSC_ACTION, [7] = PGSC_BOUNCE, [8] = PGSC_VERDICT,
};

const struct pgsc_shape pgsc_result_shape = {result_names, result_enums, NULL};

static int
enum_count(enum pgsc_enum kind)
{
	switch (kind) {
	case PGSC_REASON: return SMTPCODE_REASON_COUNT;
	case PGSC_ACTION: return SMTPCODE_ACTION_COUNT;
	case PGSC_BOUNCE: return SMTPCODE_BOUNCE_COUNT;
	case PGSC_VERDICT: return SMTPCODE_VERDICT_COUNT;
	default: return 0;
	}
}

static const char *
enum_name(enum pgsc_enum kind, int v)
{
	switch (kind) {
	case PGSC_REASON: return smtpcode_reason_name((enum smtpcode_reason)v);
	case PGSC_ACTION: return smtpcode_action_name((enum smtpcode_action)v);
	case PGSC_BOUNCE: return smtpcode_bounce_name((enum smtpcode_bounce)v);
	case PGSC_VERDICT: return smtpcode_verdict_name((enum smtpcode_verdict)v);
	default: return NULL;
	}
}

static void
mismatch(TupleDesc tupdesc, int i, const char *want)
{
	ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
	                errmsg("smtpcode: the function's row type does not match the smtpcode module"),
	                errdetail("Attribute %d is \"%s\"; the module writes \"%s\".", i + 1,
	                          i < tupdesc->natts ? NameStr(TupleDescAttr(tupdesc, i)->attname) : "(none)",
	                          want ? want : "(none)"),
	                errhint("After installing a new smtpcode module, run ALTER EXTENSION smtpcode UPDATE.")));
}

/* The label OID of every library value in enum type `type`. */
static void
enum_labels(Oid type, enum pgsc_enum kind, Oid *out)
{
	int v, n = enum_count(kind);

	for (v = 0; v < n; v++) {
		const char *label = enum_name(kind, v);

		out[v] = GetSysCacheOid2(ENUMTYPOIDNAME, Anum_pg_enum_oid, ObjectIdGetDatum(type),
		                         CStringGetDatum(label));
		if (!OidIsValid(out[v]))
			ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			                errmsg("smtpcode: type %s has no label \"%s\", which the smtpcode module gives",
			                       format_type_be(type), label),
			                errhint("After installing a new smtpcode module, run ALTER EXTENSION smtpcode UPDATE.")));
	}
}

struct pgsc_cache *
pgsc_cache_get(FunctionCallInfo fcinfo, TupleDesc tupdesc, const struct pgsc_shape *shape)
{
	struct pgsc_cache *c = fcinfo->flinfo->fn_extra;
	MemoryContext old;
	int i, k;

	if (c)
		return c;
	c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof *c);
	for (i = 0; shape; shape = shape->next) {
		for (k = 0; shape->names[k]; k++, i++) {
			Form_pg_attribute a;
			enum pgsc_enum kind = shape->enums ? shape->enums[k] : PGSC_NOT_ENUM;

			if (i >= tupdesc->natts)
				mismatch(tupdesc, i, shape->names[k]);
			a = TupleDescAttr(tupdesc, i);
			if (a->attisdropped || strcmp(NameStr(a->attname), shape->names[k]) != 0)
				mismatch(tupdesc, i, shape->names[k]);
			if (kind != PGSC_NOT_ENUM) {
				if (!type_is_enum(a->atttypid))
					mismatch(tupdesc, i, shape->names[k]);
				enum_labels(a->atttypid, kind, c->label[kind]);
			}
		}
	}
	if (i != tupdesc->natts)
		mismatch(tupdesc, i, NULL);
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	c->tupdesc = BlessTupleDesc(CreateTupleDescCopy(tupdesc));
	MemoryContextSwitchTo(old);
	fcinfo->flinfo->fn_extra = c;
	return c;
}

struct pgsc_cache *
pgsc_cache_for_result(FunctionCallInfo fcinfo, const struct pgsc_shape *shape)
{
	TupleDesc tupdesc;

	if (fcinfo->flinfo->fn_extra)
		return fcinfo->flinfo->fn_extra;
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
		                errmsg("smtpcode: function returning a record called in a context that cannot accept it")));
	return pgsc_cache_get(fcinfo, tupdesc, shape);
}

Datum
pgsc_label(const struct pgsc_cache *c, enum pgsc_enum kind, int value)
{
	if (value < 0 || value >= enum_count(kind))
		elog(ERROR, "smtpcode: value %d out of range for enum kind %d", value, (int)kind);
	return ObjectIdGetDatum(c->label[kind][value]);
}

/* The length of the valid UTF-8 sequence at s[0..left), or 0 for a byte that
 * starts none (NUL counts as one: text cannot hold it). */
static size_t
utf8_sequence(const unsigned char *s, size_t left)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;

	if (c >= 0x01 && c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return left >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (c == 0xe0)
			lo = 0xa0; /* no overlong forms */
		if (c == 0xed)
			hi = 0x9f; /* no surrogates */
		return left >= 3 && s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (c == 0xf0)
			lo = 0x90;
		if (c == 0xf4)
			hi = 0x8f; /* nothing past U+10FFFF */
		return left >= 4 && s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

/* Copies u[0..len) to p with `rep` for each byte outside valid UTF-8;
 * returns the end. */
static char *
copy_replacing(char *p, const unsigned char *u, size_t len, const char *rep, size_t rep_len)
{
	size_t i, n;

	for (i = 0; i < len; i += n ? n : 1) {
		n = utf8_sequence(u + i, len - i);
		if (n) {
			memcpy(p, u + i, n);
			p += n;
		} else {
			memcpy(p, rep, rep_len);
			p += rep_len;
		}
	}
	return p;
}

Datum
pgsc_text(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	int enc = GetDatabaseEncoding();
	bool utf8 = enc == PG_UTF8 || enc == PG_SQL_ASCII;
	/* U+FFFD, which an encoding other than UTF-8 may not have: there '?'. */
	const char *rep = utf8 ? "\xef\xbf\xbd" : "?";
	size_t rep_len = strlen(rep), i = 0, n, out = 0;
	text *t;

	/* Measure first: a long reply is copied once, into a text of its size. */
	while (i < len) {
		n = utf8_sequence(u + i, len - i);
		out += n ? n : rep_len;
		i += n ? n : 1;
	}
	if (out > MaxAllocSize - VARHDRSZ - 1)
		ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
		                errmsg("smtpcode: a text of the result would be longer than PostgreSQL allows")));
	if (!utf8) {
		/* Characters the database's encoding has no form for are an error
		 * (SQLSTATE 22P05), as for any text converted to it. */
		char *buf = palloc(out + 1), *conv;
		*copy_replacing(buf, u, len, rep, rep_len) = '\0';
		conv = pg_any_to_server(buf, (int)out, PG_UTF8);
		return PointerGetDatum(cstring_to_text_with_len(conv, conv == buf ? (int)out : (int)strlen(conv)));
	}
	t = palloc(VARHDRSZ + out);
	SET_VARSIZE(t, VARHDRSZ + out);
	if (out == len) /* nothing to replace */
		memcpy(VARDATA(t), s, len);
	else
		copy_replacing(VARDATA(t), u, len, rep, rep_len);
	return PointerGetDatum(t);
}

Datum
pgsc_span(struct smtpcode_span s, bool *isnull)
{
	*isnull = s.len == 0;
	return *isnull ? (Datum)0 : pgsc_text(s.ptr, s.len);
}

const char *
pgsc_text_arg(text *t, size_t *len)
{
	const char *s = VARDATA_ANY(t);
	int n = (int)VARSIZE_ANY_EXHDR(t);
	int enc = GetDatabaseEncoding();

	if (enc != PG_UTF8 && enc != PG_SQL_ASCII) {
		char *u = pg_server_to_any(s, n, PG_UTF8);
		if (u != s) {
			*len = strlen(u);
			return u;
		}
	}
	*len = (size_t)n;
	return s;
}

enum smtpcode_stage
pgsc_stage_arg(FunctionCallInfo fcinfo, int argno)
{
	text *t;
	int stage;

	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return SMTPCODE_STAGE_UNKNOWN;
	t = PG_GETARG_TEXT_PP(argno);
	stage = smtpcode_stage_from_name(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	if (stage < 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
		                errmsg("smtpcode: unknown SMTP stage \"%s\"", text_to_cstring(t)),
		                errhint("Give connect, ehlo, mail, rcpt, data or end-of-data (or rcpt-to, eod, ...), "
		                        "or NULL when the stage is not known.")));
	return (enum smtpcode_stage)stage;
}

/* "c.s.d" */
static Datum
enhanced_text(const struct smtpcode_enhanced_code *e)
{
	char buf[40];

	snprintf(buf, sizeof buf, "%u.%u.%u", e->cls, e->subject, e->detail);
	return CStringGetTextDatum(buf);
}

static Datum
name_or_null(const char *name, bool *isnull)
{
	*isnull = name == NULL;
	return name ? CStringGetTextDatum(name) : (Datum)0;
}

static Datum
flags_array(unsigned flags)
{
	Datum names[32];
	int i, n = 0;
	const char *name;

	for (i = 0; i < 32 && flags >> i; i++)
		if ((flags & (1u << i)) && (name = smtpcode_reply_flag_name((enum smtpcode_reply_flag)(1u << i))))
			names[n++] = CStringGetTextDatum(name);
	if (!n)
		return PointerGetDatum(construct_empty_array(TEXTOID));
	return PointerGetDatum(construct_array(names, n, TEXTOID, -1, false, TYPALIGN_INT));
}

void
pgsc_result_values(const struct pgsc_cache *c, const struct smtpcode_result *r, bool classified, Datum *v,
                   bool *isnull)
{
	memset(isnull, 0, PGSC_RESULT_FIELDS * sizeof *isnull);
	v[0] = Int32GetDatum((int32)r->reply.code);
	isnull[0] = r->reply.code == 0;
	isnull[1] = r->reply.enhanced.cls == 0;
	v[1] = isnull[1] ? (Datum)0 : enhanced_text(&r->reply.enhanced);
	v[2] = name_or_null(r->stage ? smtpcode_stage_name(r->stage) : NULL, &isnull[2]);
	v[3] = pgsc_span(r->host, &isnull[3]);
	v[4] = name_or_null(r->vendor ? smtpcode_vendor_name(r->vendor) : NULL, &isnull[4]);
	v[5] = pgsc_label(c, PGSC_REASON, (int)r->reason);
	v[6] = pgsc_label(c, PGSC_ACTION, (int)r->action);
	v[7] = pgsc_label(c, PGSC_BOUNCE, (int)r->bounce);
	v[8] = pgsc_label(c, PGSC_VERDICT, (int)r->verdict);
	v[9] = name_or_null(smtpcode_signal_name(r->decided_by), &isnull[9]);
	v[10] = pgsc_span(r->matched, &isnull[10]);
	v[11] = name_or_null(smtpcode_carrier_name(r->carrier), &isnull[11]);
	v[12] = pgsc_span(r->reply.raw, &isnull[12]);
	v[13] = pgsc_span(r->recipient, &isnull[13]);
	v[14] = pgsc_span(r->queue_id, &isnull[14]);
	v[15] = pgsc_span(r->timestamp, &isnull[15]);
	v[16] = name_or_null(r->log_status ? smtpcode_log_status_name(r->log_status) : NULL, &isnull[16]);
	v[17] = flags_array(r->reply.flags);
	v[18] = BoolGetDatum(classified);
}
