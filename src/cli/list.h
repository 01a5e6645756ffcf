/* smtpcode list: the tables of the library as text tables or JSON lines. */
#ifndef SMTPCODE_CLI_LIST_H
#define SMTPCODE_CLI_LIST_H

#include <stdio.h>

#include "render.h"

enum list_kind {
	LIST_CODES, /* no kind given: basic, then enhanced */
	LIST_BASIC,
	LIST_ENHANCED,
	LIST_REASONS,
	LIST_ACTIONS,
	LIST_BOUNCES,
	LIST_VERDICTS,
	LIST_VENDORS,
	LIST_VENDOR_CODES /* the vendors' own codes (Microsoft 5.7.606 ...) */
};

/* Returns 0 and the kind named `s` ("basic", "reasons", ...), or -1. */
int list_kind_from_name(const char *s, enum list_kind *kind);

/* Prints the rows of `kind`: codes of class `cls` only when cls >= 0, the
 * vendor `vendor` only when vendor >= 0. Returns the number of rows. */
long list_print(enum list_kind kind, int cls, int vendor, int json, const struct style *st, FILE *out);

#endif
