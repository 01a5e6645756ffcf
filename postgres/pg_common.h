/* What the extension's SQL functions share: the shape of a classification
 * row, the enum labels the installed SQL gave each library value, and text
 * made from the library's spans in the database's encoding. */
#ifndef SMTPCODE_PG_COMMON_H
#define SMTPCODE_PG_COMMON_H

#include "postgres.h"

#include "fmgr.h"
#include "access/tupdesc.h"

#include "smtpcode.h"

/* The members of a classification record, in the order of the SQL type
 * smtpcode_result (and of docs/json.md's classification records). */
#define PGSC_RESULT_FIELDS 19

/* Which enum type an attribute of a row holds. */
enum pgsc_enum {
	PGSC_NOT_ENUM,
	PGSC_REASON,
	PGSC_ACTION,
	PGSC_BOUNCE,
	PGSC_VERDICT,
	PGSC_ENUM_KINDS
};

/* What a row written by a function looks like: runs of attributes, each a
 * NULL-terminated list of names with, for each, the enum it holds (enums
 * NULL: none), then the next run. */
struct pgsc_shape {
	const char *const *names;
	const enum pgsc_enum *enums;
	const struct pgsc_shape *next;
};

/* Room for the values of the largest enum (pg_common.c checks it). */
#define PGSC_MAX_LABELS 128

/* Kept for the life of a query in fn_extra: the row's descriptor (blessed)
 * and the label of each library value in each enum type the row holds. */
struct pgsc_cache {
	TupleDesc tupdesc;
	Oid label[PGSC_ENUM_KINDS][PGSC_MAX_LABELS];
};

/* The attributes of smtpcode_result, a run that ends a row (docs/json.md's
 * classification records: code to classified). */
extern const struct pgsc_shape pgsc_result_shape;

/* The cache of this call site, made on the first call from `tupdesc` (the
 * function's declared row type), after checking that it has the attributes
 * of `shape`: an installed SQL script older than the module is an error
 * that says to run ALTER EXTENSION smtpcode UPDATE. */
struct pgsc_cache *pgsc_cache_get(FunctionCallInfo fcinfo, TupleDesc tupdesc, const struct pgsc_shape *shape);

/* The same for a function that returns one composite value: its result type. */
struct pgsc_cache *pgsc_cache_for_result(FunctionCallInfo fcinfo, const struct pgsc_shape *shape);

/* The enum label (a Datum of the enum type) of library value `value`. */
Datum pgsc_label(const struct pgsc_cache *c, enum pgsc_enum kind, int value);

/* A text Datum of s[0..len) in the database's encoding: bytes that are not
 * valid UTF-8, and NUL, become U+FFFD, one a byte, as in the CLI's JSON
 * ('?' in a database whose encoding has no U+FFFD). */
Datum pgsc_text(const char *s, size_t len);

/* A text Datum of a span, or SQL NULL (*isnull) when it is empty. */
Datum pgsc_span(struct smtpcode_span s, bool *isnull);

/* The bytes of a text argument as UTF-8, for the library: the argument's own
 * bytes in a UTF-8 (or SQL_ASCII) database, else converted. */
const char *pgsc_text_arg(text *t, size_t *len);

/* The stage named by a text argument (NULL: unknown); an unknown name is an
 * error with SQLSTATE 22023 that lists the names. */
enum smtpcode_stage pgsc_stage_arg(FunctionCallInfo fcinfo, int argno);

/* Fills v[0..PGSC_RESULT_FIELDS) and isnull[] with the record of `r`;
 * `classified` is its classified member. */
void pgsc_result_values(const struct pgsc_cache *c, const struct smtpcode_result *r, bool classified, Datum *v,
                        bool *isnull);

/* The functions the SQL script names (AS 'MODULE_PATHNAME', '...'): the
 * only symbols the module exports besides PostgreSQL's magic block and
 * pg_finfo_ records. */
extern PGDLLEXPORT Datum smtpcode_pg_classify(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum smtpcode_pg_classify_bytea(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum smtpcode_pg_message(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum smtpcode_pg_message_bytea(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum smtpcode_pg_message_problems(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum smtpcode_pg_basic(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum smtpcode_pg_enhanced(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum smtpcode_pg_reasons(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum smtpcode_pg_actions(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum smtpcode_pg_bounces(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum smtpcode_pg_verdicts(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum smtpcode_pg_vendors(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum smtpcode_pg_version(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum smtpcode_pg_data_version(PG_FUNCTION_ARGS);

#endif
