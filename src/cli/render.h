/* Output of answers: text for people, JSON for programs. */
#ifndef SMTPCODE_CLI_RENDER_H
#define SMTPCODE_CLI_RENDER_H

#include <stdio.h>

#include "query.h"

struct style {
	int color; /* ANSI colour and bold */
	int width; /* columns to wrap text at */
};

/* One labelled field, wrapped to st->width; nothing when text is empty. */
void render_field(FILE *out, const struct style *st, const char *label, const char *text);

void render_text(FILE *out, const struct style *st, const struct answer *a);
void render_json(FILE *out, const struct answer *a);

#endif
