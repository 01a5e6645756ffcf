/* smtpcode: explain SMTP reply codes, replies and bounce lines. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "aggregate.h"
#include "exit_status.h"
#include "explain.h"
#include "filter.h"
#include "interrupt.h"
#include "names.h"
#include "list.h"
#include "parallel.h"
#include "probe_cmd.h"
#include "render.h"
#include "safe_text.h"
#include "scan.h"
#include "scan_print.h"
#include "addresses.h"
#include "clickhouse.h"
#include "search.h"
#include "smtpcode.h"
#include "stats.h"

/* usage_text and the blocks of help_text, generated from src/cli/commands.toml. */
#include "cli_help.h"

#define MAX_GIVEN 128

struct options {
	int json;
	int color; /* -1 auto, 0 never, 1 always */
	int all;
	const char *format; /* --format, or NULL */
	enum smtpcode_stage stage;
	const char *host;
	long top;        /* --top N, or -1 when not given */
	int cls;         /* --class N, or -1 */
	int dsn;         /* --dsn */
	int follow, from_start, line_buffered;
	long jobs;       /* -j N, or 0: the cores there are */
	const char *by;  /* stats --by K[,K] */
	const char *assume_stage;
	/* The options given, as named in commands.toml, with their values (or
	 * NULL): checked against the command once it is known, and the
	 * filters' and --stage's values read then. */
	const char *given[MAX_GIVEN], *value[MAX_GIVEN];
	int n_given;
};

/* The terminal's width (stdout's, else COLUMNS, else 80), at least 40. */
static int
terminal_columns(void)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");
	int w = 0;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		w = ws.ws_col;
	else if (cols && *cols)
		w = atoi(cols);
	if (w <= 0)
		w = 80;
	if (w < 40)
		w = 40;
	if (w > 1000)
		w = 1000;
	return w;
}

/* Does the text end in a question mark (after blanks)? */
static int
ends_in_question(const char *text, size_t len)
{
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t' || text[len - 1] == '\n' ||
	                   text[len - 1] == '\r'))
		len--;
	return len > 0 && text[len - 1] == '?';
}

/* The width text is wrapped to: the terminal's, at most 100. */
static int
terminal_width(void)
{
	int w = terminal_columns();

	return w > 100 ? 100 : w;
}

static int
use_color(int color)
{
	const char *no_color = getenv("NO_COLOR");

	if (color >= 0)
		return color;
	if (no_color && *no_color)
		return 0;
	return isatty(STDOUT_FILENO);
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "smtpcode: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%sTry 'smtpcode --help' for more.\n", usage_text);
	return EXIT_USAGE;
}

/* A query with no spaces and no letters but X is answered as a code, so that
 * "5.01.1" or "５５０" get a code's error message; anything else is reply text. */
static int
looks_like_code(const char *s)
{
	if (*s >= '0' && *s <= '9' && strchr(s, '.') && !strpbrk(s, " \t\r\n"))
		return 1; /* 5.a.1, 5.1.1.1: a malformed enhanced code */
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			return 0;
		if (((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && c != 'X' && c != 'x')
			return 0;
	}
	return 1;
}

static int
answer_code(const struct options *opt, const struct style *st, const char *q, size_t len, int *count)
{
	struct answer a;

	query_resolve(&a, q, len);
	if (a.kind == QUERY_ERROR)
		fprintf(stderr, "smtpcode: %s\n", a.message);
	if (opt->json) {
		render_json(stdout, &a);
	} else if (a.kind != QUERY_ERROR) {
		if ((*count)++)
			putchar('\n');
		render_text(stdout, st, &a);
	}
	/* The registry decides: a vendor's own code (5.7.606) is answered with the
	 * vendor's meaning, and still reported as not registered. */
	return a.kind != QUERY_ERROR && a.registered ? EXIT_KNOWN : EXIT_UNKNOWN;
}

/* A line of standard input after "-" holds one code: no longer than a line
 * that scan reads (64 KiB), so that an input with no line break (/dev/zero)
 * cannot make the line grow until memory runs out. */
#define CODE_LINE_MAX (64 * 1024)

static int
answer_codes_from_stdin(const struct options *opt, const struct style *st, int *count)
{
	char line[CODE_LINE_MAX];
	size_t len = 0;
	unsigned long number = 1;
	int c, status = EXIT_KNOWN;

	do {
		c = getc_unlocked(stdin);
		if (c != '\n' && c != EOF) {
			if (len == sizeof line) {
				fflush(stdout);
				fprintf(stderr, "smtpcode: standard input, line %lu: longer than 64 KiB; give one code "
				        "a line\n", number);
				return EXIT_IO;
			}
			line[len++] = (char)c;
			continue;
		}
		while (len > 0 && line[len - 1] == '\r')
			len--;
		if (len > 0 && answer_code(opt, st, line, len, count) != EXIT_KNOWN)
			status = EXIT_UNKNOWN;
		exit_if_unwritable(); /* a reader that went away ends the reading */
		len = 0;
		number++;
	} while (c != EOF);
	if (ferror(stdin)) {
		perror("smtpcode: reading standard input");
		status = EXIT_IO;
	}
	return status;
}

static int
explain(const struct options *opt, const struct style *st, const char *text, size_t len)
{
	struct smtpcode_result r;
	enum smtpcode_input kind = smtpcode_input_kind(text, len);
	int rc;

	if (kind != SMTPCODE_INPUT_LINES && !opt->host) {
		/* A whole bounce (or an mbox of them): one answer per recipient. */
		long found = explain_message(stdout, st, opt->json, opt->stage, text, len, kind);
		if (found < 0) {
			fprintf(stderr, "smtpcode: out of memory\n");
			return EXIT_IO;
		}
		return found > 0 ? EXIT_KNOWN : EXIT_UNKNOWN;
	}
	rc = smtpcode_classify(text, len, opt->stage, opt->host, opt->host ? strlen(opt->host) : 0, &r);

	if (opt->json) {
		struct json j;
		json_init(&j, stdout);
		json_begin_object(&j, NULL);
		json_string_n(&j, "input", text, len);
		if (r.recipient.len) /* a log line's to=<...> */
			json_string_n(&j, "recipient", r.recipient.ptr, r.recipient.len);
		else
			json_null(&j, "recipient");
		result_json_members(&j, &r);
		json_bool(&j, "classified", rc == 0);
		json_bool(&j, "invalid_utf8", j.replaced); /* last: known once every string is out */
		json_end_object(&j);
	} else if (rc == 0 || (rc == SMTPCODE_ENOREPLY && r.reply.code)) {
		explain_text(stdout, st, &r);
	}
	/* A log line that holds a reply but records no delivery's outcome (one
	 * attempt's reply, a greeting, a reject_warning): explained, and said so.
	 * One in known words and with no reply (Postfix's "Sender address
	 * triggers FILTER ..."): said so. */
	if (rc == SMTPCODE_ENOREPLY && !r.reply.code && !r.reply.enhanced.cls && ends_in_question(text, len)) {
		fprintf(stderr, "smtpcode: a question is a person's words, not a mail system's; give the reply it "
		                "quotes, such as '550 5.1.1 User unknown'\n");
		return EXIT_UNKNOWN;
	}
	if (rc == SMTPCODE_ENOREPLY && (r.reply.code || r.matched.len)) {
		fprintf(stderr, "smtpcode: this log line records no delivery's outcome (one attempt or step, with no "
		                "recipient or status, or a refusal or action only logged); scan gives no record for it\n");
		return r.reply.code ? EXIT_KNOWN : EXIT_UNKNOWN;
	}
	if (rc == SMTPCODE_EEMPTY) {
		fprintf(stderr, "smtpcode: the text is empty; give a reply such as '550 5.1.1 User unknown'\n");
		return EXIT_UNKNOWN;
	}
	if (rc != 0) {
		if (len <= 60 && !memchr(text, '\n', len)) {
			fputs("smtpcode: '", stderr);
			safe_write(stderr, text, len);
			fputs("': not a reply code, and no SMTP reply or known phrase in it\n", stderr);
		} else
			fprintf(stderr, "smtpcode: no SMTP reply or known phrase in the text\n");
		fprintf(stderr, "smtpcode: give a code (550, 5.1.1), a reply, a log line or a DSN field\n");
		return EXIT_UNKNOWN;
	}
	return EXIT_KNOWN;
}

/* Joins args with single spaces into buf; returns its length. */
static char *
join_args(char **args, int n, size_t *len)
{
	size_t total = 1;
	int i;
	char *buf, *p;

	for (i = 0; i < n; i++)
		total += strlen(args[i]) + 1;
	buf = malloc(total);
	if (!buf)
		return NULL;
	p = buf;
	for (i = 0; i < n; i++) {
		size_t l = strlen(args[i]);
		if (i)
			*p++ = ' ';
		memcpy(p, args[i], l);
		p += l;
	}
	*p = '\0';
	*len = (size_t)(p - buf);
	return buf;
}

/* Reads all of standard input (explain -: a pasted DSN or multi-line reply). */
static char *
read_all(FILE *in, size_t *len, int *error)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap), *bigger;

	*error = 0;
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n, in);
		n += got;
		if (n < cap) {
			if (ferror(in))
				*error = errno ? errno : EIO;
			break;
		}
		if (cap >= (size_t)64 << 20) { /* 64 MiB is no longer one reply */
			*error = EFBIG;
			break;
		}
		bigger = realloc(buf, cap * 2);
		if (!bigger) {
			free(buf);
			return NULL;
		}
		buf = bigger;
		cap *= 2;
	}
	*len = n;
	return buf;
}

static int
run_explain(const struct options *opt, const struct style *st, char **args, int n)
{
	size_t len;
	char *text;
	int status, error = 0;

	if (n == 0)
		return usage_error("explain needs a reply, a log line or - for standard input");
	if (n == 1 && strcmp(args[0], "-") == 0) {
		text = read_all(stdin, &len, &error);
		if (error) {
			fprintf(stderr, "smtpcode: reading standard input: %s\n", strerror(error));
			free(text);
			return EXIT_IO;
		}
	} else {
		text = join_args(args, n, &len);
	}
	if (!text) {
		fprintf(stderr, "smtpcode: out of memory\n");
		return EXIT_IO;
	}
	status = explain(opt, st, text, len);
	free(text);
	return status;
}

/* The values given to an option, in order: for a filter and --stage. */
static const char *
last_value(const struct options *opt, const char *flag)
{
	const char *v = NULL;
	int i;

	for (i = 0; i < opt->n_given; i++)
		if (strcmp(opt->given[i], flag) == 0)
			v = opt->value[i];
	return v;
}

/* The filters of scan and stats (--stage among them). */
static int
make_filter(const struct options *opt, struct filter *f)
{
	char err[2048];
	long long now = (long long)time(NULL);
	int i;

	filter_init(f);
	for (i = 0; i < opt->n_given; i++) {
		if (!filter_option(opt->given[i]))
			continue;
		if (filter_add(f, opt->given[i], opt->value[i], now, err, sizeof err) != 0)
			return usage_error("%s", err);
	}
	return 0;
}

/* What scan and stats share: the filter, the stage every reply answered,
 * following, the signals that end the reading. */
static int
scan_setup(const struct options *opt, const struct style *st, struct filter *f, struct scan_options *so, int n)
{
	int rc;

	memset(so, 0, sizeof *so);
	if ((rc = make_filter(opt, f)) != 0)
		return rc;
	so->filter = f;
	so->need_time = filter_needs_time(f);
	so->stage = SMTPCODE_STAGE_UNKNOWN;
	if (opt->assume_stage) {
		int s = smtpcode_stage_from_name(opt->assume_stage, strlen(opt->assume_stage));
		if (s < 0)
			return usage_error("unknown stage '%s' for --assume-stage: use connect, ehlo, mail, rcpt, data or "
			                   "end-of-data", opt->assume_stage);
		so->stage = (enum smtpcode_stage)s;
	}
	so->style = st;
	so->dsn = opt->dsn;
	so->all = opt->all;
	so->follow = opt->follow;
	so->from_start = opt->from_start;
	so->line_buffered = opt->line_buffered;
	if (opt->from_start && !opt->follow)
		return usage_error("--from-start goes with --follow");
	if (opt->follow && n != 1)
		return usage_error("--follow takes one file, not %d", n);
	if (opt->follow && opt->dsn)
		return usage_error("--follow reads a log; --dsn is for files of bounce messages");
	interrupt_install();
	return 0;
}

static int
scan_status(int failed, long found)
{
	fflush(stdout);
	interrupt_finish(); /* after a signal: ends the program as the signal does */
	if (failed)
		return EXIT_IO;
	return found > 0 ? EXIT_KNOWN : EXIT_UNKNOWN;
}

/* scan --format clickhouse: every row answered, so nothing that drops or
 * adds records, and no messages. */
static int
run_clickhouse(const struct options *opt, const struct scan_options *so, char **args, int n)
{
	long rows = 0;
	int i, failed;

	for (i = 0; i < opt->n_given; i++)
		if (filter_option(opt->given[i]))
			return usage_error("--format clickhouse answers every row: %s cannot go with it", opt->given[i]);
	if (opt->all || opt->dsn || opt->follow || opt->json)
		return usage_error("--format clickhouse answers every row of lines: --all, --dsn, --follow and --json "
		                   "cannot go with it");
	failed = scan_clickhouse(args, n, so, &rows);
	return scan_status(failed, rows);
}

static int
run_scan(const struct options *opt, const struct style *st, char **args, int n)
{
	static const char *const formats[] = {"text", "jsonl", "tsv", "csv", "addresses", "clickhouse"};
	struct scan_options so;
	struct scan_printer printer;
	struct filter f;
	long found = 0;
	int failed, rc;
	size_t i;

	if ((rc = scan_setup(opt, st, &f, &so, n)) != 0)
		return rc;
	so.format = SCAN_TEXT;
	for (i = 0; opt->format && i < sizeof formats / sizeof formats[0]; i++)
		if (strcmp(opt->format, formats[i]) == 0)
			break;
	so.format = opt->format ? (enum scan_format)i : SCAN_TEXT;
	if (opt->format && i == sizeof formats / sizeof formats[0])
		return usage_error("--format takes text, jsonl, tsv, csv, addresses or clickhouse, not '%s'", opt->format);
	if (so.format == SCAN_CLICKHOUSE)
		return run_clickhouse(opt, &so, args, n);
	if (opt->json)
		so.format = SCAN_JSONL;
	so.streaming = 1;
	so.jobs = opt->follow ? 1 : opt->jobs > 0 ? (int)opt->jobs : parallel_cores();
	printer.opt = &so;
	printer.out = stdout;
	printer.seen = NULL;
	if (so.format == SCAN_ADDRESSES && !(printer.seen = address_set_new())) {
		fprintf(stderr, "smtpcode: out of memory\n");
		return EXIT_IO;
	}
	scan_header(&so, stdout);
	if (so.jobs > 1)
		failed = scan_parallel(args, n, &so, &printer, &found);
	else
		failed = scan_inputs(args, n, &so, scan_print, &printer, &found);
	address_set_free(printer.seen);
	return scan_status(failed, found);
}

/* stats --by: one or two keys, comma-separated. */
static int
by_keys(const char *by, enum aggregate_key *keys, int *n)
{
	const char *p = by;

	*n = 0;
	for (;;) {
		size_t len = strcspn(p, ",");
		int k = aggregate_key_from_name(p, len);
		if (k < 0 || *n == 2)
			return usage_error("--by takes one or two of %s, separated by a comma (--by domain,reason), not '%s'",
			                   aggregate_key_names, by);
		keys[(*n)++] = (enum aggregate_key)k;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

static int
run_stats(const struct options *opt, const struct style *st, char **args, int n)
{
	struct scan_options so;
	struct filter f;
	struct stats *stats = NULL;
	struct aggregate *agg = NULL;
	enum aggregate_key keys[2];
	long found = 0;
	int failed, rc, k, nkeys = 0, fields = 0;

	if (opt->format && strcmp(opt->format, "text") != 0 && strcmp(opt->format, "tsv") != 0 &&
	    strcmp(opt->format, "csv") != 0)
		return usage_error("stats --format takes text, tsv or csv (--json for JSON), not '%s'", opt->format);
	if (opt->format && strcmp(opt->format, "text") != 0)
		fields = strcmp(opt->format, "csv") == 0 ? 2 : 1;
	if (opt->by && (rc = by_keys(opt->by, keys, &nkeys)) != 0)
		return rc;
	if ((rc = scan_setup(opt, st, &f, &so, n)) != 0)
		return rc;
	for (k = 0; k < nkeys; k++)
		so.need_time |= aggregate_key_needs_time(keys[k]);
	if (nkeys)
		agg = aggregate_new(keys, nkeys, opt->top >= 0 ? (unsigned long)opt->top : 0);
	else
		stats = stats_new(opt->top >= 0 ? (unsigned)opt->top : STATS_DEFAULT_TOP);
	if (!stats && !agg) {
		fprintf(stderr, "smtpcode: out of memory\n");
		return EXIT_IO;
	}
	so.format = SCAN_TEXT;
	so.jobs = 1;
	if (agg)
		failed = scan_inputs(args, n, &so, aggregate_add, agg, &found);
	else
		failed = scan_inputs(args, n, &so, stats_add, stats, &found);
	if (agg && opt->json)
		aggregate_json(agg, stdout);
	else if (agg && fields)
		aggregate_fields(agg, stdout, fields == 2);
	else if (agg)
		aggregate_text(agg, st, stdout);
	else if (opt->json)
		stats_json(stats, stdout);
	else if (fields)
		stats_fields(stats, stdout, fields == 2);
	else
		stats_text(stats, st, stdout);
	stats_free(stats);
	aggregate_free(agg);
	return scan_status(failed, found);
}

static int
run_list(const struct options *opt, const struct style *st, char **args, int n)
{
	enum list_kind kind = LIST_CODES;
	const char *vendor_name = last_value(opt, "--vendor");
	int vendor = -1;

	if (n > 1)
		return usage_error("list takes one kind: basic, enhanced, reasons, actions, bounces, verdicts, vendors or vendor-codes");
	if (n == 1 && list_kind_from_name(args[0], &kind) != 0)
		return usage_error("unknown list '%s': use basic, enhanced, reasons, actions, bounces, verdicts, vendors or vendor-codes",
		                   args[0]);
	if (vendor_name) {
		vendor = smtpcode_vendor_from_name(vendor_name, strlen(vendor_name));
		if (vendor <= 0)
			return usage_error("unknown vendor '%s': 'smtpcode list vendors' names them", vendor_name);
	}
	if (opt->cls >= 0 && kind != LIST_CODES && kind != LIST_BASIC && kind != LIST_ENHANCED)
		return usage_error("--class applies to list basic and list enhanced");
	/* The registry's codes belong to no vendor: --vendor lists the vendor's own. */
	if (vendor >= 0 && (kind == LIST_ENHANCED || kind == LIST_CODES))
		kind = LIST_VENDOR_CODES;
	if (vendor >= 0 && kind != LIST_VENDORS && kind != LIST_VENDOR_CODES)
		return usage_error("--vendor applies to list enhanced, vendor-codes and vendors");
	return list_print(kind, opt->cls, vendor, opt->json, st, stdout) > 0 ? EXIT_KNOWN : EXIT_UNKNOWN;
}

static int
run_search(const struct options *opt, const struct style *st, char **args, int n)
{
	if (n == 0)
		return usage_error("search needs one or more words");
	return search_print(args, n, opt->top >= 0 ? (size_t)opt->top : SEARCH_DEFAULT_TOP, opt->json, st, stdout) > 0
	               ? EXIT_KNOWN
	               : EXIT_UNKNOWN;
}

/* A whole decimal number in [min, max], or -1 (probe_main.c's too). */
long
number_arg(const char *s, long min, long max)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end || errno || v < min || v > max)
		return -1;
	return v;
}

/* Remembers an option given, for the check against the command. */
static int
given(struct options *opt, const char *flag, const char *value, int *exit_now)
{
	if (opt->n_given == MAX_GIVEN) {
		*exit_now = usage_error("more than %d options", MAX_GIVEN);
		return -1;
	}
	opt->given[opt->n_given] = flag;
	opt->value[opt->n_given++] = value;
	return 0;
}

/* An option that only switches something on: sets it and returns its name
 * (the long one), or NULL when arg is none of them. */
static const char *
on_off(struct options *opt, const char *arg)
{
	static const struct {
		const char *name, *short_name;
		size_t field; /* an int of struct options */
	} switches[] = {
		{"--json", NULL, offsetof(struct options, json)},
		{"--all", NULL, offsetof(struct options, all)},
		{"--dsn", NULL, offsetof(struct options, dsn)},
		{"--follow", "-F", offsetof(struct options, follow)},
		{"--from-start", NULL, offsetof(struct options, from_start)},
		{"--line-buffered", NULL, offsetof(struct options, line_buffered)},
	};
	size_t i;

	for (i = 0; i < sizeof switches / sizeof switches[0]; i++) {
		if (strcmp(arg, switches[i].name) == 0 || (switches[i].short_name && strcmp(arg, switches[i].short_name) == 0)) {
			*(int *)(void *)((char *)opt + switches[i].field) = 1;
			return switches[i].name;
		}
	}
	return NULL;
}

/* Parses options anywhere on the line; the other arguments are moved to the
 * front of argv. Returns the number of them, or -1 after a usage error. */
static int
parse_options(int argc, char **argv, struct options *opt, int *exit_now)
{
	int i, n = 0, done = 0;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *value = NULL, *flag = NULL;
		if (done || arg[0] != '-' || arg[1] == '\0') {
			argv[n++] = argv[i];
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			done = 1;
			continue;
		}
		if (strncmp(arg, "--", 2) == 0 && strchr(arg, '=')) {
			value = strchr(arg, '=') + 1;
		}
		/* -j4 and -j 4 alike */
		if (strncmp(arg, "-j", 2) == 0 && arg[2])
			value = arg + 2;
#define IS(name) (strncmp(arg, name, strlen(name)) == 0 && (arg[strlen(name)] == '\0' || arg[strlen(name)] == '='))
#define VALUE()                                                                         \
	do {                                                                            \
		if (!value) {                                                           \
			if (i + 1 >= argc) {                                            \
				*exit_now = usage_error("%s needs a value", arg);       \
				return -1;                                              \
			}                                                               \
			value = argv[++i];                                              \
		}                                                                       \
	} while (0)
		if ((flag = on_off(opt, arg)) != NULL) {
			/* set */
		} else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			/* After a command word, that command's help; else the whole. */
			size_t k;
			for (k = 0; n > 0 && command_help[k].name; k++) {
				if (strcmp(argv[0], command_help[k].name) == 0) {
					const char *const *block;
					for (block = command_help[k].text; *block; block++)
						fputs(*block, stdout);
					*exit_now = EXIT_KNOWN;
					return -1;
				}
			}
			fputs(usage_text, stdout);
			putchar('\n');
			for (k = 0; help_text[k]; k++)
				fputs(help_text[k], stdout);
			*exit_now = EXIT_KNOWN;
			return -1;
		} else if (strcmp(arg, "-V") == 0 || strcmp(arg, "--version") == 0) {
			printf("smtpcode %s\ndata %s, IANA enhanced status code registry of %s\n", smtpcode_version(),
			       smtpcode_data_version(), smtpcode_registry_date());
			*exit_now = EXIT_KNOWN;
			return -1;
		} else if (IS("--color") || IS("--colour")) {
			flag = "--color";
			VALUE();
			if (strcmp(value, "auto") == 0)
				opt->color = -1;
			else if (strcmp(value, "always") == 0)
				opt->color = 1;
			else if (strcmp(value, "never") == 0)
				opt->color = 0;
			else {
				*exit_now = usage_error("--color takes auto, always or never, not '%s'", value);
				return -1;
			}
		} else if (IS("--stage")) {
			flag = "--stage"; /* a filter of scan and stats; else the stage the reply answered */
			VALUE();
		} else if (IS("--assume-stage")) {
			flag = "--assume-stage";
			VALUE();
			opt->assume_stage = value;
		} else if (IS("--host")) {
			flag = "--host";
			VALUE();
			opt->host = value;
		} else if (IS("--format")) {
			flag = "--format";
			VALUE();
			opt->format = value;
		} else if (IS("--by")) {
			flag = "--by";
			VALUE();
			opt->by = value;
		} else if (IS("--jobs") || strncmp(arg, "-j", 2) == 0) {
			flag = "--jobs";
			VALUE();
			opt->jobs = number_arg(value, 1, 256);
			if (opt->jobs < 0) {
				*exit_now = usage_error("-j takes a number of threads from 1 to 256, not '%s'", value);
				return -1;
			}
		} else if (IS("--top")) {
			flag = "--top";
			VALUE();
			opt->top = number_arg(value, 1, 1000000);
			if (opt->top < 0) {
				*exit_now = usage_error("--top takes a number from 1 to 1000000, not '%s'", value);
				return -1;
			}
		} else if (IS("--class")) {
			flag = "--class";
			VALUE();
			opt->cls = (int)number_arg(value, 2, 5);
			if (opt->cls < 0) {
				*exit_now = usage_error("--class takes 2, 3, 4 or 5, not '%s'", value);
				return -1;
			}
		} else if (IS("--vendor") || IS("--reason") || IS("--bounce") || IS("--verdict") || IS("--code") ||
		           IS("--recipient-domain") || IS("--since") || IS("--until")) {
			/* Filters: read once the command is known. */
			static const char *const filters[] = {"--vendor", "--reason", "--bounce", "--verdict", "--code",
			                                      "--recipient-domain", "--since", "--until"};
			size_t k;
			for (k = 0; !IS(filters[k]); k++)
				;
			flag = filters[k];
			VALUE();
		} else if (arg[1] >= '0' && arg[1] <= '9') {
			*exit_now = usage_error("'%s' looks like a negative number; reply codes have no sign", arg);
			return -1;
		} else {
			/* An option of a command that reads its own (probe). */
			char names[256];
			size_t name_len = strcspn(arg, "=");
			if (option_commands_text(arg, name_len, names, sizeof names) != ~0u)
				*exit_now = usage_error("%.*s applies to %s", (int)name_len, arg, names);
			else
				*exit_now = usage_error("unknown option '%s'", arg);
			return -1;
		}
#undef IS
#undef VALUE
		if (flag && given(opt, flag, value, exit_now) != 0)
			return -1;
	}
	return n;
}

/* The command word's bit in cli_option_commands (cli_help.h), or CLI_QUERY. */
static unsigned
command_bit(const char *word)
{
	unsigned i;

	for (i = 0; cli_commands[i]; i++)
		if (strcmp(word, cli_commands[i]) == 0)
			return 1u << i;
	return CLI_QUERY;
}

/* The commands the option `flag` applies to, in words ("scan and stats"),
 * written to names; which is everyone's, ~0u, when commands.toml names no
 * commands for it or it is no option of smtpcode's. */
unsigned
option_commands_text(const char *flag, size_t flag_len, char *names, size_t cap)
{
	size_t k;
	unsigned takes = ~0u;
	int count = 0;

	names[0] = '\0';
	for (k = 0; cli_option_commands[k].flag; k++)
		if (strlen(cli_option_commands[k].flag) == flag_len &&
		    strncmp(cli_option_commands[k].flag, flag, flag_len) == 0)
			takes = cli_option_commands[k].commands;
	for (k = 0; cli_commands[k]; k++) {
		if (!(takes & (1u << k)))
			continue;
		snprintf(names + strlen(names), cap - strlen(names), "%s%s", count ? ", " : "", cli_commands[k]);
		count++;
	}
	if (takes & CLI_QUERY)
		snprintf(names + strlen(names), cap - strlen(names), "%sa code or reply given alone", count ? " and " : "");
	/* "scan, stats" -> "scan and stats" */
	if (!(takes & CLI_QUERY) && count > 1) {
		char *last = strrchr(names, ',');
		char tail[256];
		snprintf(tail, sizeof tail, " and%s", last + 1);
		snprintf(last, cap - (size_t)(last - names), "%s", tail);
	}
	return takes;
}

/* Every option given applies to the command run (commands.toml says which
 * each takes, as the completions offer them). */
static int
check_applies(const struct options *opt, unsigned command)
{
	int i;

	for (i = 0; i < opt->n_given; i++) {
		char names[256];
		if (option_commands_text(opt->given[i], strlen(opt->given[i]), names, sizeof names) & command)
			continue;
		return usage_error("%s applies to %s", opt->given[i], names);
	}
	return 0;
}

/* status, or EXIT_IO when standard output could not be written: output to
 * /dev/full or a closed pipe must not end in success. */
static int
output_written(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("smtpcode: writing output");
		return EXIT_IO;
	}
	return status;
}

int
main(int argc, char **argv)
{
	static struct options opt; /* zero, then the defaults below */
	struct style st;
	const char *stage;
	int n, i, rc, status = EXIT_KNOWN, count = 0, all_codes = 1, exit_now = EXIT_USAGE;

	if (probe_requested(argc, argv)) { /* probe reads its own options */
#ifdef SMTPCODE_HAVE_PROBE
		st.width = terminal_width();
		st.columns = terminal_columns();
		return output_written(probe_main(argc, argv, help_probe, &st));
#else
		fprintf(stderr, "smtpcode: probe was left out of this build: it needs c-ares and OpenSSL (on Debian "
		        "libc-ares-dev and libssl-dev); install them, then meson setup --reconfigure\n");
		return EXIT_USAGE;
#endif
	}
	opt.color = -1;
	opt.stage = SMTPCODE_STAGE_UNKNOWN;
	opt.top = -1;
	opt.cls = -1;
	n = parse_options(argc, argv, &opt, &exit_now);
	if (n < 0) /* --help and --version wrote to standard output too */
		return exit_now == EXIT_KNOWN ? output_written(exit_now) : exit_now;
	if ((rc = check_applies(&opt, n >= 1 ? command_bit(argv[0]) : CLI_QUERY)) != 0)
		return rc;
	/* --stage: for explain and a reply alone, the stage it answered; for
	 * scan and stats a filter (make_filter()). */
	stage = last_value(&opt, "--stage");
	if (stage && !(n >= 1 && (strcmp(argv[0], "scan") == 0 || strcmp(argv[0], "stats") == 0))) {
		int s = smtpcode_stage_from_name(stage, strlen(stage));
		if (s < 0)
			return usage_error("unknown stage '%s': use connect, ehlo, mail, rcpt, data or end-of-data", stage);
		opt.stage = (enum smtpcode_stage)s;
	}
	st.color = opt.json ? 0 : use_color(opt.color);
	st.width = terminal_width();
	st.columns = terminal_columns();
	if (n >= 1 && strcmp(argv[0], "explain") == 0)
		status = run_explain(&opt, &st, argv + 1, n - 1);
	else if (n >= 1 && strcmp(argv[0], "scan") == 0)
		status = run_scan(&opt, &st, argv + 1, n - 1);
	else if (n >= 1 && strcmp(argv[0], "stats") == 0)
		status = run_stats(&opt, &st, argv + 1, n - 1);
	else if (n >= 1 && strcmp(argv[0], "list") == 0)
		status = run_list(&opt, &st, argv + 1, n - 1);
	else if (n >= 1 && strcmp(argv[0], "search") == 0)
		status = run_search(&opt, &st, argv + 1, n - 1);
	else if (n == 0)
		return usage_error("no code given");
	else {
		for (i = 0; i < n; i++)
			if (!looks_like_code(argv[i]) && strcmp(argv[i], "-") != 0)
				all_codes = 0;
		if (!all_codes) {
			/* One word that names a reason, action, bounce type, verdict or
			 * vendor, or a vendor's token, is explained as such; anything
			 * else is reply text. */
			if (n == 1 && (answer_name(stdout, &st, opt.json, argv[0]) == 0 ||
			               search_token(argv[0], opt.json, &st, stdout) > 0))
				status = EXIT_KNOWN;
			else
				status = run_explain(&opt, &st, argv, n);
		} else {
			for (i = 0; i < n; i++) {
				int s = strcmp(argv[i], "-") == 0 ? answer_codes_from_stdin(&opt, &st, &count)
				                                  : answer_code(&opt, &st, argv[i], strlen(argv[i]), &count);
				if (s > status)
					status = s;
			}
		}
	}
	return output_written(status);
}
