/* smtpcode scan: one classification record per input line that holds a reply. */
#ifndef SMTPCODE_CLI_SCAN_H
#define SMTPCODE_CLI_SCAN_H

#include "render.h"
#include "timestamp.h"

enum scan_format { SCAN_TEXT, SCAN_JSONL, SCAN_TSV, SCAN_CSV, SCAN_ADDRESSES, SCAN_CLICKHOUSE };

struct filter;

struct scan_options {
	enum scan_format format;
	int all;                     /* also report lines with nothing to classify */
	enum smtpcode_stage stage;   /* --assume-stage: the stage every reply answered */
	const struct style *style;
	int streaming;               /* records go to standard output as they are read */
	int dsn;                     /* --dsn: read every input as bounce messages */
	const struct filter *filter; /* the records to keep (filter.h); NULL: all */
	int need_time;               /* records carry their time (scan_record.time) */
	int follow;                  /* --follow: the one input is a log followed as it grows */
	int from_start;              /* --from-start: ... read from its start first */
	int line_buffered;           /* --line-buffered: each record flushed as it is written */
	int jobs;                    /* -j: threads that classify (parallel.h); 1: none */
};

/* Where a record of a bounce message came from (NULL for a log line). */
struct scan_msg {
	unsigned long message;       /* 1-based index of the message in its file (mbox, maildir) */
	const char *message_name;    /* a maildir entry's file name, or NULL */
	const char *recipient;       /* the recipient's address, or NULL for a line of the text */
	size_t recipient_len;
	const char *action;          /* the DSN's Action: (or what the text says), or NULL */
	const char *report;          /* what the record was read from: "dsn", "text", "feedback", "auto-reply"; NULL */
	struct smtpcode_span feedback_type; /* a feedback report's Feedback-Type */
};

/* One record: a line with a reply, or with --all any line; a recipient of
 * a bounce message (msg not NULL). Its pointers are valid during the call. */
struct scan_record {
	const char *name;                 /* the input, as named on the command line */
	unsigned long line;
	const struct scan_msg *msg;
	const struct smtpcode_result *r;
	int rc;                           /* 0 when something was classified */
	int truncated;
	struct smtpcode_span recipient;   /* a bounce message's, else the log line's; empty when none */
	struct smtpcode_span text;        /* the log line, or what the message says of the recipient */
	const struct log_time *time;      /* when the line was written (with need_time); NULL: not known */
};

typedef void scan_fn(void *ctx, const struct scan_record *rec);

/* Reads each of paths[0..n) ("-" is standard input; none means standard
 * input), plain or gzip, and calls fn for each record that opt->filter
 * keeps. An input is read as bounce messages (the library's
 * smtpcode_message_*) with --dsn, when it is a directory (a maildir: the
 * files of its cur/ and new/, sorted by name; else its own files, sorted by
 * name), and when its first bytes say so (smtpcode_input_kind(): a header
 * starts a message, a "From " line an mbox); else line by line. A file that
 * cannot be opened or read is reported on standard error and the others are
 * read on; the records read before a read error are kept. With opt->follow
 * the one path is followed as it grows (follow.h), until a signal comes.
 * Returns 0, or 1 after any such error, and the number of records in
 * *records. */
int scan_inputs(char **paths, int n, const struct scan_options *opt, scan_fn *fn, void *ctx, long *records);

#endif
