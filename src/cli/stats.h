/* smtpcode stats: the records of a scan counted by bounce type, reason,
 * vendor, code and stage, with the most frequent reply texts of each reason.
 * Memory is bounded whatever the input: at most STATS_MAX_TEXTS distinct
 * reply texts (each cut at STATS_TEXT_BYTES) are counted per reason and at
 * most STATS_MAX_ENHANCED distinct enhanced codes; later new ones are counted
 * as "other". */
#ifndef SMTPCODE_CLI_STATS_H
#define SMTPCODE_CLI_STATS_H

#include <stdio.h>

#include "render.h"

#define STATS_DEFAULT_TOP 5
#define STATS_MAX_TEXTS 1000
#define STATS_TEXT_BYTES 200
#define STATS_MAX_ENHANCED 1000

struct stats;

struct stats *stats_new(unsigned top);
void stats_free(struct stats *s);
/* A scan_fn (scan.h): counts one record; ctx is the stats. */
struct scan_msg;
void stats_add(void *ctx, const char *name, unsigned long line, const struct scan_msg *msg,
               const struct smtpcode_result *r, int rc, int truncated);
void stats_text(const struct stats *s, const struct style *st, FILE *out);
void stats_json(const struct stats *s, FILE *out);

#endif
