/* The records scan and stats keep: --reason, --bounce, --verdict, --vendor,
 * --stage, --code, --recipient-domain, --since and --until. Each option
 * takes one value or several, comma-separated, and may be given again: a
 * record is kept when it matches one value of each option given. */
#ifndef SMTPCODE_CLI_FILTER_H
#define SMTPCODE_CLI_FILTER_H

#include <stddef.h>

#include "scan.h"

#define FILTER_MAX_VALUES 64

struct code_pattern {
	int basic;            /* a basic code (550), or -1 */
	int basic_class;      /* a class of basic codes (5 of 5xx), or -1 */
	int cls, subject, detail; /* an enhanced code, -1 for X; cls 0: no enhanced code */
};

struct filter {
	int given;            /* some condition was given */
	unsigned char reason[SMTPCODE_REASON_COUNT], bounce[SMTPCODE_BOUNCE_COUNT];
	unsigned char verdict[SMTPCODE_VERDICT_COUNT], vendor[SMTPCODE_VENDOR_COUNT];
	unsigned char stage[SMTPCODE_STAGE_COUNT];
	int any_reason, any_bounce, any_verdict, any_vendor, any_stage; /* no such option: every value */
	struct code_pattern code[FILTER_MAX_VALUES];
	size_t codes;
	const char *domain[FILTER_MAX_VALUES]; /* as given: "example.com", ".example.com" */
	size_t domains;
	int since_given, until_given;
	long long since, until; /* microseconds since the epoch: since <= t < until */
};

void filter_init(struct filter *f);

/* Adds the values of an option ("--reason") to the filter, `now` dating
 * --since and --until. Returns 0, or -1 with a message for the user in
 * err: what was wrong and the values the option takes. */
int filter_add(struct filter *f, const char *option, const char *values, long long now, char *err, size_t err_size);

/* Whether a filter option is called so ("--reason"). */
int filter_option(const char *option);

/* Does the record pass? A record with no time known does not pass --since
 * or --until. */
int filter_keeps(const struct filter *f, const struct scan_record *rec);
/* Do the conditions need each record's time? */
int filter_needs_time(const struct filter *f);

#endif
