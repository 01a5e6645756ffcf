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

/* Classifies buf[0..len) with the caller's stage and host. */
int classify_input(const char *buf, size_t len, enum smtpcode_stage stage, const char *host,
                   struct smtpcode_result *r);

#endif
