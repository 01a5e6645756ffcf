/* Works out what a command-line query is and what the data says about it. */
#ifndef SMTPCODE_CLI_QUERY_H
#define SMTPCODE_CLI_QUERY_H

#include <stddef.h>

#include "smtpcode.h"

enum query_kind {
	QUERY_ERROR,    /* malformed: see message */
	QUERY_BASIC,    /* a 3-digit code */
	QUERY_ENHANCED, /* an enhanced code, a registry row in X notation included */
	QUERY_CLASS     /* a class of basic codes: 2xx, 3xx, 4xx, 5xx */
};

/* Which part of an enhanced code the query left open with an X. */
enum query_scope {
	SCOPE_CODE,    /* 5.1.1: one class, subject and detail */
	SCOPE_DETAIL,  /* X.1.1: a detail in every class */
	SCOPE_SUBJECT, /* X.1.X or 5.1.X: a subject */
	SCOPE_CLASS    /* 5.X.X: a class */
};

struct answer {
	const char *query;
	size_t len;
	enum query_kind kind;
	char message[256];     /* QUERY_ERROR: what is wrong, for a person */
	char code[24];         /* the code as shown: "550", "5.7.26", "X.1.1" */
	int registered;        /* the data has an entry for exactly this code */

	/* QUERY_BASIC; QUERY_CLASS: basic_code is the class's first code (500) */
	unsigned basic_code;
	const struct smtpcode_basic *basic;

	/* QUERY_ENHANCED */
	enum query_scope scope;
	unsigned cls, subject, detail; /* cls is 0 when the query left it open */
	const struct smtpcode_enhanced *class_row, *subject_row, *detail_row;
};

/* The vendors' own readings of an enhanced answer's code (for X.s.d, in any
 * class): up to `max` entries into out; returns how many there are. */
size_t answer_vendor_codes(const struct answer *a, const struct smtpcode_vendor_code **out, size_t max);

/* Fills `a` for the query s[0..len). Never fails: errors are QUERY_ERROR. */
void query_resolve(struct answer *a, const char *s, size_t len);

/* The reasons a 5xx reply is soft for (their bounce type is soft: senders
 * rightly treat them as temporary), up to `max` into out; returns how many. */
size_t class_soft_reasons(enum smtpcode_reason *out, size_t max);

/* The outcome for this answer, as reason, action, bounce type and verdict. */
enum smtpcode_reason answer_reason(const struct answer *a);
enum smtpcode_action answer_action(const struct answer *a);
enum smtpcode_bounce answer_bounce(const struct answer *a);
enum smtpcode_verdict answer_verdict(const struct answer *a);

#endif
