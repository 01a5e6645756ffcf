/* A query that names a reason, action, bounce type, verdict or vendor. */
#ifndef SMTPCODE_CLI_NAMES_H
#define SMTPCODE_CLI_NAMES_H

#include <stdio.h>

#include "render.h"

/* Explains the taxonomy entry or vendor called q (case-insensitive), as text
 * or JSON; returns 0, or -1 when q names none (nothing is printed). */
int answer_name(FILE *out, const struct style *st, int json, const char *q);

#endif
