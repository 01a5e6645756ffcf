/* smtpcode stats --by: the records counted in groups of one or two keys
 * (recipient domain, relay, vendor, reason, recipient, hour, day), each
 * group with its bounces by type and their shares of its bounces, and the
 * records that are no bounce (accepted, auto-reply, complaint) apart. At
 * most AGGREGATE_MAX_GROUPS groups are kept (each key cut at
 * AGGREGATE_KEY_BYTES); records of groups first seen past that are counted
 * together, as the rest. */
#ifndef SMTPCODE_CLI_AGGREGATE_H
#define SMTPCODE_CLI_AGGREGATE_H

#include <stdio.h>

#include "render.h"

#define AGGREGATE_MAX_GROUPS 100000
#define AGGREGATE_KEY_BYTES 256

enum aggregate_key { BY_DOMAIN, BY_RELAY, BY_VENDOR, BY_REASON, BY_RECIPIENT, BY_HOUR, BY_DAY, BY_KEYS };

struct aggregate;
struct scan_record;

/* The key called name ("domain"), or -1. */
int aggregate_key_from_name(const char *name, size_t len);
/* The names of the keys, for a message: "domain, relay, ...". */
extern const char aggregate_key_names[];
/* Does the key need the records' times? */
int aggregate_key_needs_time(enum aggregate_key k);

/* keys[0..n), n 1 or 2; top: the most groups shown (0: all). */
struct aggregate *aggregate_new(const enum aggregate_key *keys, int n, unsigned long top);
void aggregate_free(struct aggregate *a);
/* A scan_fn (scan.h); ctx is the aggregate. */
void aggregate_add(void *ctx, const struct scan_record *rec);

void aggregate_text(const struct aggregate *a, const struct style *st, FILE *out);
void aggregate_json(const struct aggregate *a, FILE *out);
void aggregate_fields(const struct aggregate *a, FILE *out, int csv);

#endif
