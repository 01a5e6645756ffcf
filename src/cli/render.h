/* Output of answers: text for people, JSON for programs. */
#ifndef SMTPCODE_CLI_RENDER_H
#define SMTPCODE_CLI_RENDER_H

#include <stdio.h>

#include "query.h"

struct style {
	int color; /* ANSI colour and bold */
	int width; /* columns to wrap text at (40 to 100) */
	int columns; /* columns tables may fill: the terminal's width (at least 40) */
};

/* An ANSI escape sequence when colour is on, else "". */
const char *render_sgr(const struct style *st, const char *code);
/* The colour of a bounce type: hard red, block magenta, soft yellow, none green. */
const char *render_bounce_sgr(const struct style *st, enum smtpcode_bounce b);

/* Writes text from column `column` on, wrapped at st->width, the lines after
 * the first indented by `indent`; ends the line. */
void render_wrap(FILE *out, const struct style *st, const char *text, int column, int indent);

/* One labelled field, wrapped to st->width; nothing when text is empty. */
void render_field(FILE *out, const struct style *st, const char *label, const char *text);

struct json;
/* A list of the tables (causes, RFCs, ...) as a JSON array member. */
void render_json_list(struct json *j, const char *key, struct smtpcode_list l);

void render_text(FILE *out, const struct style *st, const struct answer *a);
void render_json(FILE *out, const struct answer *a);

#endif
