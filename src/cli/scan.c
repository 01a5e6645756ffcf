#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dsn.h"
#include "explain.h"
#include "input.h"
#include "lines.h"
#include "progress.h"
#include "scan.h"

static void
record_jsonl(const char *name, unsigned long number, const struct scan_msg *msg, const struct smtpcode_result *r,
             int rc, int truncated)
{
	struct json j;

	json_init(&j, stdout);
	json_begin_object(&j, NULL);
	json_string(&j, "file", name);
	json_int(&j, "line", (long)number);
	if (msg) {
		if (msg->message_name)
			json_string(&j, "message", msg->message_name);
		else
			json_int(&j, "message", (long)msg->message);
		if (msg->recipient)
			json_string_n(&j, "recipient", msg->recipient, msg->recipient_len);
		else
			json_null(&j, "recipient");
		if (msg->action)
			json_string(&j, "dsn_action", msg->action);
		else
			json_null(&j, "dsn_action");
	} else if (r->recipient.len) { /* a log line's to=<...>, Exim's ** a@example.com */
		json_string_n(&j, "recipient", r->recipient.ptr, r->recipient.len);
	} else {
		json_null(&j, "recipient");
	}
	result_json_members(&j, r);
	json_bool(&j, "classified", rc == 0);
	json_bool(&j, "truncated", truncated);
	json_bool(&j, "invalid_utf8", j.replaced); /* last: known once every string is out */
	json_end_object(&j);
}

/* The recipient of a record: a bounce message's, else the log line's. */
static struct smtpcode_span
recipient_of(const struct scan_msg *msg, const struct smtpcode_result *r)
{
	struct smtpcode_span s;

	if (msg && msg->recipient) {
		s.ptr = msg->recipient;
		s.len = msg->recipient_len;
		return s;
	}
	return r->recipient;
}

static void
record_text(const char *name, unsigned long number, const struct scan_msg *msg, const struct smtpcode_result *r)
{
	char codes[40] = "-";
	struct smtpcode_span recipient = recipient_of(msg, r);

	if (r->reply.code && r->reply.enhanced.cls)
		snprintf(codes, sizeof codes, "%u %u.%u.%u", r->reply.code, r->reply.enhanced.cls,
		         r->reply.enhanced.subject, r->reply.enhanced.detail);
	else if (r->reply.code)
		snprintf(codes, sizeof codes, "%u", r->reply.code);
	else if (r->reply.enhanced.cls)
		snprintf(codes, sizeof codes, "%u.%u.%u", r->reply.enhanced.cls, r->reply.enhanced.subject,
		         r->reply.enhanced.detail);
	printf("%s:%lu\t%s\t%s\t%s\t%s\t%s\t%s", name, number, codes, smtpcode_reason_name(r->reason),
	       smtpcode_bounce_name(r->bounce), smtpcode_verdict_name(r->verdict), smtpcode_action_name(r->action),
	       r->vendor ? smtpcode_vendor_name(r->vendor) : "-");
	if (recipient.len) { /* of a bounce message or a log line, control bytes as spaces */
		size_t i;
		putchar('\t');
		for (i = 0; i < recipient.len; i++) {
			unsigned char c = (unsigned char)recipient.ptr[i];
			putchar(c < 0x20 || c == 0x7f ? ' ' : c);
		}
	}
	putchar('\n');
}

/* One field of a tsv or csv record. tsv: tabs, line breaks and other control
 * bytes become spaces, so a record is always one line of the same number of
 * fields. csv (RFC 4180): a field holding a comma, a quote or a line break is
 * quoted, its quotes doubled. */
static void
field(const char *s, size_t len, enum scan_format format, int first)
{
	size_t i;

	if (!first)
		putchar(format == SCAN_CSV ? ',' : '\t');
	if (format == SCAN_TSV) {
		for (i = 0; i < len; i++) {
			unsigned char c = (unsigned char)s[i];
			putchar(c < 0x20 || c == 0x7f ? ' ' : c);
		}
		return;
	}
	if (!memchr(s, ',', len) && !memchr(s, '"', len) && !memchr(s, '\n', len) && !memchr(s, '\r', len)) {
		fwrite(s, 1, len, stdout);
		return;
	}
	putchar('"');
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			putchar('"');
		putchar(s[i]);
	}
	putchar('"');
}

static void
field_str(const char *s, enum scan_format format)
{
	field(s ? s : "", s ? strlen(s) : 0, format, 0);
}

static const char *const columns[] = {"file", "line", "code", "enhanced", "stage", "host", "vendor",
                                      "reason", "action", "bounce", "verdict", "recipient"};

void
scan_header(const struct scan_options *opt)
{
	size_t i;

	if (opt->format != SCAN_TSV && opt->format != SCAN_CSV)
		return;
	for (i = 0; i < sizeof columns / sizeof columns[0]; i++)
		field(columns[i], strlen(columns[i]), opt->format, i == 0);
	fputs(opt->format == SCAN_CSV ? "\r\n" : "\n", stdout);
}

static void
record_fields(const char *name, unsigned long number, const struct scan_msg *msg, const struct smtpcode_result *r,
              enum scan_format format)
{
	char buf[32];

	field(name, strlen(name), format, 1);
	snprintf(buf, sizeof buf, "%lu", number);
	field_str(buf, format);
	if (r->reply.code)
		snprintf(buf, sizeof buf, "%u", r->reply.code);
	else
		buf[0] = '\0';
	field_str(buf, format);
	if (r->reply.enhanced.cls)
		snprintf(buf, sizeof buf, "%u.%u.%u", r->reply.enhanced.cls, r->reply.enhanced.subject,
		         r->reply.enhanced.detail);
	else
		buf[0] = '\0';
	field_str(buf, format);
	field_str(r->stage ? smtpcode_stage_name(r->stage) : "", format);
	field(r->host.len ? r->host.ptr : "", r->host.len, format, 0);
	field_str(r->vendor ? smtpcode_vendor_name(r->vendor) : "", format);
	field_str(smtpcode_reason_name(r->reason), format);
	field_str(smtpcode_action_name(r->action), format);
	field_str(smtpcode_bounce_name(r->bounce), format);
	field_str(smtpcode_verdict_name(r->verdict), format);
	field(recipient_of(msg, r).len ? recipient_of(msg, r).ptr : "", recipient_of(msg, r).len, format, 0);
	fputs(format == SCAN_CSV ? "\r\n" : "\n", stdout);
}

void
scan_print(void *ctx, const char *name, unsigned long line, const struct scan_msg *msg,
           const struct smtpcode_result *r, int rc, int truncated)
{
	const struct scan_options *opt = ctx;

	switch (opt->format) {
	case SCAN_JSONL: record_jsonl(name, line, msg, r, rc, truncated); break;
	case SCAN_TSV:
	case SCAN_CSV: record_fields(name, line, msg, r, opt->format); break;
	default: record_text(name, line, msg, r); break;
	}
}


/* ---- reading an input ---- */

enum mode { MODE_UNDECIDED, MODE_LINES, MODE_MESSAGE, MODE_MBOX };

#define HEAD_MAX (64 * 1024) /* the header buffered to tell a message from a log */

struct scan_state {
	const struct scan_options *opt;
	scan_fn *fn;
	void *ctx;
	struct progress *progress;
	struct line_reader *reader;
	struct dsn_parser *dsn;
	char *head;                /* HEAD_MAX bytes */
	const char *name;          /* the file of the records */
	const char *message_name;  /* a maildir entry's name, or NULL */
	unsigned long message;     /* index of the message being read */
	unsigned long message_line;
	int message_open;
	long records;              /* of this scan */
	long message_records;      /* of the message being read */
};

static void
emit(struct scan_state *c, unsigned long line, const struct scan_msg *msg, const struct smtpcode_result *r, int rc,
     int truncated)
{
	c->fn(c->ctx, c->name, line, msg, r, rc, truncated);
	c->records++;
}

/* A dsn_fn: a recipient group of a delivery-status part, or a line of a text part. */
static void
on_dsn_record(void *ctx, const struct dsn_record *rec)
{
	struct scan_state *c = ctx;
	struct smtpcode_result r;
	struct scan_msg msg;
	int rc = smtpcode_classify(rec->text, rec->len, c->opt->stage, NULL, 0, &r);

	if (!rec->recipient && rc != 0)
		return; /* a line of text with no reply */
	msg.message = c->message;
	msg.message_name = c->message_name;
	msg.recipient = rec->recipient;
	msg.recipient_len = rec->recipient_len;
	msg.action = rec->action;
	emit(c, rec->line, &msg, &r, rc, rec->truncated);
	c->message_records++;
}

static void
message_begin(struct scan_state *c, unsigned long line)
{
	c->message++;
	c->message_line = line;
	c->message_open = 1;
	c->message_records = 0;
	dsn_begin(c->dsn);
}

static void
message_end(struct scan_state *c)
{
	long records;
	const char *problem;

	if (!c->message_open)
		return;
	c->message_open = 0;
	problem = dsn_end(c->dsn, &records);
	if (problem) {
		fflush(stdout);
		if (c->message_name)
			fprintf(stderr, "smtpcode: %s: %s\n", c->name, problem);
		else
			fprintf(stderr, "smtpcode: %s: message %lu: %s\n", c->name, c->message, problem);
	}
	if (c->message_records == 0 && c->opt->all) {
		/* --all: the message is reported, with nothing classified */
		struct smtpcode_result r;
		struct scan_msg msg = {0, NULL, NULL, 0, NULL};
		int rc;
		memset(&r, 0, sizeof r);
		rc = smtpcode_classify("", 0, c->opt->stage, NULL, 0, &r);
		msg.message = c->message;
		msg.message_name = c->message_name;
		emit(c, c->message_line, &msg, &r, rc, 0);
	}
}

static void
feed(struct scan_state *c, enum mode mode, const char *line, size_t len, unsigned long number, int truncated)
{
	if (mode == MODE_LINES) {
		struct smtpcode_result r;
		int rc = smtpcode_classify(line, len, c->opt->stage, NULL, 0, &r);
		if (rc == 0 || c->opt->all)
			emit(c, number, NULL, &r, rc, truncated);
		return;
	}
	if (mode == MODE_MBOX && len >= 5 && memcmp(line, "From ", 5) == 0) {
		message_end(c);
		message_begin(c, number);
		return;
	}
	if (!c->message_open)
		message_begin(c, number);
	dsn_line(c->dsn, line, len, number);
}

/* "Name:" with a name of printable characters: a header field's first line. */
static int
header_field(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && i < 77; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == ':')
			return i > 0;
		if (ch <= 32 || ch >= 127)
			return 0;
	}
	return 0;
}

static int
has_word(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word), i, k;

	for (i = 0; i + n <= len; i++) {
		for (k = 0; k < n; k++) {
			int ch = (unsigned char)s[i + k];
			if ((ch >= 'A' && ch <= 'Z' ? ch + 32 : ch) != word[k])
				break;
		}
		if (k == n)
			return 1;
	}
	return 0;
}

/* Feeds the buffered header lines (numbered from 1). */
static void
replay(struct scan_state *c, enum mode mode, size_t head_len)
{
	size_t start = 0;
	unsigned long number = 1;

	while (start < head_len) {
		char *nl = memchr(c->head + start, '\n', head_len - start);
		size_t len = (size_t)(nl - (c->head + start));
		feed(c, mode, c->head + start, len, number++, 0);
		start += len + 1;
	}
}

/* Reads one input in the mode given, or tells its mode from its first lines.
 * *error is set after a read error. */
static void
scan_one(struct scan_state *c, struct input *in, enum mode mode, int *error)
{
	struct line_reader *reader = c->reader;
	const char *line;
	size_t len, head_len = 0;
	int truncated, report = 0, in_type = 0;

	c->name = input_name(in);
	c->message = 0;
	c->message_open = 0;
	lines_init(reader, in);
	progress_begin(c->progress, in);
	while (lines_next(reader, &line, &len, &truncated)) {
		progress_line(c->progress);
		if (mode == MODE_UNDECIDED && reader->number == 1) {
			if (len >= 5 && memcmp(line, "From ", 5) == 0)
				mode = MODE_MBOX;
			else if (c->opt->dsn)
				mode = MODE_MESSAGE;
			else if (!header_field(line, len))
				mode = MODE_LINES;
		}
		if (mode == MODE_UNDECIDED) {
			/* A header so far: buffered until its end tells whether it is a report. */
			enum mode decided = MODE_UNDECIDED;
			if (len == 0 || (len == 1 && line[0] == '\r')) {
				decided = report ? MODE_MESSAGE : MODE_LINES;
			} else if (line[0] == ' ' || line[0] == '\t') {
				if (in_type && has_word(line, len, "multipart/report"))
					report = 1;
			} else if (header_field(line, len)) {
				in_type = has_word(line, len < 13 ? len : 13, "content-type:");
				if (in_type && has_word(line, len, "multipart/report"))
					report = 1;
			} else {
				decided = MODE_LINES;
			}
			if (decided == MODE_UNDECIDED && (truncated || head_len + len + 1 > HEAD_MAX))
				decided = MODE_LINES;
			if (decided == MODE_UNDECIDED) {
				memcpy(c->head + head_len, line, len);
				head_len += len;
				c->head[head_len++] = '\n';
				continue;
			}
			mode = decided;
			replay(c, mode, head_len);
		}
		feed(c, mode, line, len, reader->number, truncated);
	}
	if (mode == MODE_UNDECIDED) { /* the input ended in what looked like a header */
		mode = report ? MODE_MESSAGE : MODE_LINES;
		replay(c, mode, head_len);
	}
	message_end(c);
	progress_end(c->progress);
	if (reader->error) {
		fflush(stdout);
		if (reader->number)
			fprintf(stderr, "smtpcode: %s: %s (after line %lu)\n", input_name(in), input_error(in),
			        reader->number);
		else
			fprintf(stderr, "smtpcode: %s: %s\n", input_name(in), input_error(in));
		*error = 1;
	}
}

static int
by_name(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	int d = strcmp(x + 4, y + 4); /* after "cur/" or "new/" */

	return d ? d : strcmp(x, y);
}

static int
is_dir(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* Adds the entries of dir/sub to *names as "sub/name". Returns -1 when out of memory. */
static int
list_entries(const char *dir, const char *sub, char ***names, size_t *n, size_t *cap)
{
	size_t dlen = strlen(dir);
	char *path = malloc(dlen + 6);
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (!path)
		return -1;
	snprintf(path, dlen + 6, "%s/%s", dir, sub);
	d = opendir(path);
	free(path);
	if (!d)
		return 0;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		char *name;
		if (e->d_name[0] == '.')
			continue;
		if (*n == *cap) {
			size_t bigger = *cap ? *cap * 2 : 64;
			char **grown = realloc(*names, bigger * sizeof *grown);
			if (!grown) {
				rc = -1;
				break;
			}
			*names = grown;
			*cap = bigger;
		}
		name = malloc(len + 5);
		if (!name) {
			rc = -1;
			break;
		}
		snprintf(name, len + 5, "%s/%s", sub, e->d_name);
		(*names)[(*n)++] = name;
	}
	closedir(d);
	return rc;
}

/* A maildir: each file of cur/ and new/, sorted by name, is one message. */
static int
scan_maildir(struct scan_state *c, const char *dir)
{
	char **names = NULL;
	size_t n = 0, cap = 0, i, dlen = strlen(dir);
	int failed = 0;
	char *cur = malloc(dlen + 5), *new = malloc(dlen + 5);
	int ok = cur && new;

	if (ok) {
		snprintf(cur, dlen + 5, "%s/cur", dir);
		snprintf(new, dlen + 5, "%s/new", dir);
		ok = is_dir(cur) || is_dir(new);
	}
	free(cur);
	free(new);
	if (!ok) {
		fflush(stdout);
		fprintf(stderr, "smtpcode: %s: read error: a directory, but not a maildir (no cur/ or new/ in it)\n", dir);
		return 1;
	}
	if (list_entries(dir, "cur", &names, &n, &cap) != 0 || list_entries(dir, "new", &names, &n, &cap) != 0) {
		fprintf(stderr, "smtpcode: out of memory\n");
		failed = 1;
	} else {
		qsort(names, n, sizeof *names, by_name);
		for (i = 0; i < n; i++) {
			size_t plen = dlen + strlen(names[i]) + 2;
			char *path = malloc(plen);
			struct input *in;
			struct stat sb;
			if (!path) {
				fprintf(stderr, "smtpcode: out of memory\n");
				failed = 1;
				break;
			}
			snprintf(path, plen, "%s/%s", dir, names[i]);
			if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
				free(path);
				continue;
			}
			in = input_open(path);
			if (!in) {
				fflush(stdout);
				fprintf(stderr, "smtpcode: cannot open '%s': %s; skipping it\n", path, strerror(errno));
				failed = 1;
			} else {
				c->message_name = names[i] + 4;
				scan_one(c, in, MODE_MESSAGE, &failed);
				c->message_name = NULL;
				input_close(in);
			}
			free(path);
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return failed;
}

int
scan_inputs(char **paths, int n, const struct scan_options *opt, scan_fn *fn, void *ctx, long *records)
{
	static char dash0[] = "-";
	static char *dash[] = {dash0};
	struct line_reader *reader = malloc(sizeof *reader);
	char *head = malloc(HEAD_MAX);
	struct progress p;
	struct scan_state c;
	int i, failed = 0;

	*records = 0;
	memset(&c, 0, sizeof c);
	c.dsn = dsn_new(on_dsn_record, &c);
	if (!reader || !head || !c.dsn) {
		fprintf(stderr, "smtpcode: out of memory\n");
		free(reader);
		free(head);
		dsn_free(c.dsn);
		return 1;
	}
	c.opt = opt;
	c.fn = fn;
	c.ctx = ctx;
	c.progress = &p;
	c.reader = reader;
	c.head = head;
	if (n == 0) {
		paths = dash;
		n = 1;
	}
	progress_init(&p, opt->streaming);
	for (i = 0; i < n; i++) {
		struct input *in;
		if (strcmp(paths[i], "-") != 0 && is_dir(paths[i])) {
			c.message = 0;
			failed |= scan_maildir(&c, paths[i]);
			continue;
		}
		in = input_open(paths[i]);
		if (!in) {
			fflush(stdout);
			if (strcmp(paths[i], "-") == 0)
				fprintf(stderr, "smtpcode: cannot read standard input: %s\n", strerror(errno));
			else
				fprintf(stderr, "smtpcode: cannot open '%s': %s; skipping it\n", paths[i], strerror(errno));
			failed = 1;
			continue;
		}
		scan_one(&c, in, MODE_UNDECIDED, &failed);
		input_close(in);
	}
	*records = c.records;
	free(reader);
	free(head);
	dsn_free(c.dsn);
	return failed;
}
