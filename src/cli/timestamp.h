/* The time of a log line, and the times --since and --until take.
 *
 * A log line's time is written as syslog does ("Nov  5 10:00:01", local
 * time, no year), as ISO 8601 and RFC 5424 do ("2026-11-05T10:00:01.5+01:00",
 * a zone or local time), as journalctl -o short-iso does
 * ("2026-11-05T10:00:01+0100"), as Exim does ("2026-11-05 10:00:01") or in
 * brackets, as Kerio and the common log format do ("[05/Nov/2026 10:00:01]",
 * "[05/Nov/2026:10:00:01 +0100]").
 * A syslog time gets the year that puts it last before the file's last
 * change (input_reference_time()): a line of December read in January is
 * of the year before, and a file written over New Year reads right. */
#ifndef SMTPCODE_CLI_TIMESTAMP_H
#define SMTPCODE_CLI_TIMESTAMP_H

#include <stddef.h>

struct log_time {
	long long usec;           /* microseconds since 1970-01-01 UTC */
	int year, month, day;     /* in local time (the year inferred for syslog's) */
	int hour;
};

/* Converts local date and time fields to seconds since the epoch. A cache
 * of the zone's offset by hour keeps mktime() out of the per-line path: one
 * for each thread. */
struct local_cache {
	long long key;            /* year, month, day and hour packed; 0: empty */
	long long offset;         /* local minus UTC, seconds */
	long long reference;      /* the reference time of inferred_year */
	int reference_year;
};

/* The time written at s[0..len) (the span smtpcode_result.timestamp gives),
 * `reference` (seconds) dating a syslog time. Returns 0, or -1 when it is
 * none of the forms above. */
int log_time_parse(const char *s, size_t len, long long reference, struct local_cache *cache, struct log_time *t);

/* The time at the start of an RFC 5424 line ("<34>1 2026-11-05T10:00:01Z
 * host ..."), whose header the library does not read. Returns 0 or -1. */
int log_time_rfc5424(const char *line, size_t len, struct local_cache *cache, struct log_time *t);

/* A time given to --since or --until, `now` in seconds: an ISO date or date
 * and time (local unless a zone follows), a syslog time, a time of today,
 * "now", "today", "yesterday", or a duration ago ("2h", "-30m", "7d ago").
 * Returns 0 and the microseconds since the epoch, or -1. */
int time_arg_parse(const char *s, long long now, long long *usec);

/* The forms time_arg_parse() takes, for an error message. */
extern const char time_arg_forms[];

#endif
