/* smtpcode search: ranked full-text search over the codes and the taxonomy. */
#ifndef SMTPCODE_CLI_SEARCH_H
#define SMTPCODE_CLI_SEARCH_H

#include <stdio.h>

#include "render.h"

#define SEARCH_DEFAULT_TOP 10
#define SEARCH_MAX_WORDS 32

/* Searches for words[0..n) (each may hold several words separated by
 * spaces) and prints at most `top` results, best first. Returns the number
 * of entries that matched (all of them, not only those printed). */
long search_print(char **words, int n, size_t top, int json, const struct style *st, FILE *out);

/* A vendor's token looked up by itself ("TSS04" for Yahoo's [TSS04]: its
 * letters and digits, any case): who sends it, what it means, a reply that
 * carries it and what to do. Prints each token that matches; returns how
 * many (0: none, nothing printed). */
long search_token(const char *query, int json, const struct style *st, FILE *out);

#endif
