/* smtpcode stats: the records of a scan counted by bounce type, reason,
 * vendor, code and stage, with the most frequent reply texts of each reason.
 * Memory is bounded whatever the input: at most STATS_MAX_TEXTS distinct
 * reply texts (each cut at STATS_TEXT_BYTES) are counted per reason and at
 * most STATS_MAX_ENHANCED distinct enhanced codes; later new ones are counted
 * as "other". The reply text of a record with no SMTP reply (the MTA's own
 * error) is what its log line or message says instead. */
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
/* A scan_fn (scan.h): counts one record; ctx is the stats. A record whose
 * bounce type is none (accepted, an automatic reply, a complaint) is
 * counted by its reason apart from the tables, whose shares are of the
 * bounces. */
struct scan_record;
void stats_add(void *ctx, const struct scan_record *rec);
void stats_text(const struct stats *s, const struct style *st, FILE *out);
void stats_json(const struct stats *s, FILE *out);
/* One row a counted value: table, name, count, share and (for the top
 * replies) text, as tsv or csv (fields.h). */
void stats_fields(const struct stats *s, FILE *out, int csv);

/* part of whole, 0 when there is no whole: a share as stats and stats --by
 * (aggregate.h) give it. */
static inline double
stats_share(long part, long whole)
{
	return whole > 0 ? (double)part / (double)whole : 0.0;
}

#endif
