/* Classification output: a full explanation for people, JSON for programs. */
#ifndef SMTPCODE_CLI_EXPLAIN_H
#define SMTPCODE_CLI_EXPLAIN_H

#include <stdio.h>

#include "json.h"
#include "render.h"

/* Text for one classified input. */
void explain_text(FILE *out, const struct style *st, const struct smtpcode_result *r);

/* The members of one classification record (docs/json.md), inside an open object. */
void result_json_members(struct json *j, const struct smtpcode_result *r);

/* A span for a message into buf: line breaks shown as " | ", control bytes
 * escaped, cut at max bytes. Returns buf. */
const char *explain_escape(char *buf, size_t size, struct smtpcode_span s, size_t max);

/* The members a record of a bounce message has besides its classification
 * (recipient, dsn_action, report, feedback_type; docs/json.md). */
void recipient_json_members(struct json *j, const struct smtpcode_recipient *rcpt);

/* Is a record of a bounce message classified? When something decided, or
 * the report says what became of the recipient (failed, delayed, ...): a
 * failure whose cause the report does not give is still one, of reason
 * unknown. (The site's explainer, web/wasm/explain.c, says the same.) */
int recipient_classified(const struct smtpcode_recipient *rcpt);

/* explain on text[0..len), a message or an mbox (`kind`): one answer per
 * recipient, as text or (json) one JSON object. Returns the number of
 * records with something classified, or -1 when out of memory. */
long explain_message(FILE *out, const struct style *st, int json, enum smtpcode_stage stage, const char *text,
                     size_t len, enum smtpcode_input kind);

/* Classifies buf[0..len) with the caller's stage and host. */
int classify_input(const char *buf, size_t len, enum smtpcode_stage stage, const char *host,
                   struct smtpcode_result *r);

#endif
