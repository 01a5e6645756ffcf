#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "exit_status.h"
#include "explain.h"
#include "input.h"
#include "lines.h"
#include "progress.h"
#include "safe_text.h"
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
		json_name(&j, "report", msg->report);
		if (msg->feedback_type.len)
			json_string_n(&j, "feedback_type", msg->feedback_type.ptr, msg->feedback_type.len);
		else
			json_null(&j, "feedback_type");
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

/* The recipient of a record: a bounce message's (none when its report
 * names none), else the log line's. */
static struct smtpcode_span
recipient_of(const struct scan_msg *msg, const struct smtpcode_result *r)
{
	struct smtpcode_span s;

	if (msg) {
		s.ptr = msg->recipient;
		s.len = msg->recipient ? msg->recipient_len : 0;
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
	/* The name and the recipient escaped (safe_text.h): a tab or a line
	 * break in them must not forge a field or a record, nor ESC reach a
	 * terminal. */
	safe_write(stdout, name, strlen(name));
	printf(":%lu\t%s\t%s\t%s\t%s\t%s\t%s", number, codes, smtpcode_reason_name(r->reason),
	       smtpcode_bounce_name(r->bounce), smtpcode_verdict_name(r->verdict), smtpcode_action_name(r->action),
	       r->vendor ? smtpcode_vendor_name(r->vendor) : "-");
	if (recipient.len) { /* of a bounce message or a log line */
		putchar('\t');
		safe_write(stdout, recipient.ptr, recipient.len);
	}
	putchar('\n');
}

/* One field of a tsv or csv record. Control characters are escaped
 * (safe_text.h), so a record is always one line of the same number of
 * fields; a field that a spreadsheet would take for a formula ("=", "+",
 * "-", "@", a tab or a CR first) gets a single quote before it. csv (RFC
 * 4180): a field holding a comma or a quote is quoted, its quotes doubled. */
static void
field(const char *s, size_t len, enum scan_format format, int first)
{
	const char *end = s + len, *q;

	if (!first)
		putchar(format == SCAN_CSV ? ',' : '\t');
	if (format == SCAN_CSV && (memchr(s, ',', len) || memchr(s, '"', len))) {
		putchar('"');
		if (safe_formula_start(s, len))
			putchar('\'');
		for (; (q = memchr(s, '"', (size_t)(end - s))) != NULL; s = q + 1) {
			safe_write(stdout, s, (size_t)(q + 1 - s));
			putchar('"');
		}
		safe_write(stdout, s, (size_t)(end - s));
		putchar('"');
		return;
	}
	if (safe_formula_start(s, len))
		putchar('\'');
	safe_write(stdout, s, len);
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
	exit_if_unwritable();
}


/* ---- reading an input ---- */

enum mode { MODE_UNDECIDED, MODE_LINES, MODE_MESSAGE, MODE_MBOX };

#define HEAD_MAX (64 * 1024) /* read before an input's kind is told; also the chunk of a message */

struct scan_state {
	const struct scan_options *opt;
	scan_fn *fn;
	void *ctx;
	struct progress *progress;
	struct line_reader *reader;
	struct smtpcode_message *msg; /* the library's reader of bounce messages */
	char *head;                /* HEAD_MAX bytes */
	const char *name;          /* the file of the records */
	const char *message_name;  /* a maildir entry's name, or NULL */
	unsigned long message;     /* index of the message being read */
	unsigned long long message_line; /* the file's line where the message starts */
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

/* The library's reader found a recipient. */
static void
on_recipient(void *ctx, const struct smtpcode_recipient *rcpt)
{
	struct scan_state *c = ctx;
	struct scan_msg msg;
	const struct smtpcode_result *r = &rcpt->result;
	int rc = recipient_classified(rcpt) ? 0 : SMTPCODE_ENOREPLY;

	msg.message = c->message;
	msg.message_name = c->message_name;
	msg.recipient = rcpt->address.ptr;
	msg.recipient_len = rcpt->address.len;
	msg.action = rcpt->action != SMTPCODE_DSN_NONE ? smtpcode_dsn_action_name(rcpt->action) : NULL;
	msg.report = smtpcode_report_name(rcpt->report);
	msg.feedback_type = rcpt->feedback_type;
	emit(c, (unsigned long)(c->message_line + rcpt->line - 1), &msg, r, rc, (rcpt->flags & SMTPCODE_RECIPIENT_CUT) != 0);
	c->message_records++;
}

static void
message_begin(struct scan_state *c, unsigned long long line)
{
	c->message++;
	c->message_line = line;
	c->message_open = 1;
	c->message_records = 0;
	smtpcode_message_init(c->msg, c->opt->stage, on_recipient, c);
}

static void
message_end(struct scan_state *c)
{
	unsigned problems, bit;

	if (!c->message_open)
		return;
	c->message_open = 0;
	smtpcode_message_end(c->msg);
	problems = smtpcode_message_problems(c->msg);
	for (bit = 1; bit && problems; bit <<= 1) {
		if (!(problems & bit))
			continue;
		problems &= ~bit;
		fflush(stdout);
		fputs("smtpcode: ", stderr);
		safe_write(stderr, c->name, strlen(c->name));
		if (c->message_name)
			fprintf(stderr, ": %s\n", smtpcode_message_problem_text(bit));
		else
			fprintf(stderr, ": message %lu: %s\n", c->message, smtpcode_message_problem_text(bit));
	}
	if (c->message_records == 0 && c->opt->all) {
		/* --all: the message is reported, with nothing classified */
		struct smtpcode_result r;
		struct scan_msg msg;
		int rc;
		memset(&msg, 0, sizeof msg);
		rc = smtpcode_classify("", 0, c->opt->stage, NULL, 0, &r);
		msg.message = c->message;
		msg.message_name = c->message_name;
		emit(c, (unsigned long)c->message_line, &msg, &r, rc, 0);
	}
}

/* Bytes of the message being read. */
static void
message_bytes(struct scan_state *c, const char *s, size_t n)
{
	smtpcode_message_feed(c->msg, s, n);
}

/* An mbox: messages each after a "From " line, which is not part of them.
 * Lines are followed across the pieces read; a "From " line longer than the
 * head buffer cannot be one. */
struct mbox {
	unsigned long long line;   /* the file's line being read, from 1 */
	int at_start;              /* the next byte starts a line */
	size_t pending;            /* bytes of a line start kept in `start`, undecided */
	char start[512];
};

static void
mbox_line_start(struct scan_state *c, struct mbox *b, const char *line, size_t len, int whole)
{
	size_t n = len;

	if (n > 0 && line[n - 1] == '\r')
		n--;
	if (whole && smtpcode_mbox_from_line(line, n)) {
		message_end(c);
		message_begin(c, b->line + 1);
		return;
	}
	if (!c->message_open)
		message_begin(c, b->line);
	message_bytes(c, line, len);
	if (whole)
		message_bytes(c, "\n", 1);
}

static void
mbox_bytes(struct scan_state *c, struct mbox *b, const char *s, size_t n, int eof)
{
	while (n > 0 || (eof && b->pending)) {
		const char *nl = n ? memchr(s, '\n', n) : NULL;
		size_t k = nl ? (size_t)(nl - s) : n;
		if (b->pending || b->at_start) {
			/* A line's start: kept until its end tells whether it is "From ". */
			size_t take = k < sizeof b->start - b->pending ? k : sizeof b->start - b->pending;
			memcpy(b->start + b->pending, s, take);
			b->pending += take;
			b->at_start = 0;
			s += take, n -= take, k -= take;
			if (nl && k == 0) {
				mbox_line_start(c, b, b->start, b->pending, 1);
				b->pending = 0;
				b->line++;
				b->at_start = 1;
				s++, n--;
				continue;
			}
			if (b->pending == sizeof b->start || (eof && n == 0)) {
				/* Too long for a "From " line, or the input's last line. */
				mbox_line_start(c, b, b->start, b->pending, 0);
				b->pending = 0;
			}
			continue;
		}
		if (!c->message_open)
			message_begin(c, b->line);
		if (nl) {
			message_bytes(c, s, k + 1);
			b->line++;
			b->at_start = 1;
			s += k + 1, n -= k + 1;
		} else {
			message_bytes(c, s, n);
			n = 0;
		}
	}
}

static void
line_record(struct scan_state *c, const char *line, size_t len, unsigned long number, int truncated)
{
	struct smtpcode_result r;
	int rc = smtpcode_classify(line, len, c->opt->stage, NULL, 0, &r);

	if (rc == 0 || c->opt->all)
		emit(c, number, NULL, &r, rc, truncated);
}

/* Reads one input as lines, a message or an mbox; `mode` MODE_UNDECIDED:
 * told from its first bytes (smtpcode_input_kind()). *error is set after a
 * read error. */
static void
scan_one(struct scan_state *c, struct input *in, enum mode mode, int *error)
{
	size_t head_len = 0;
	long got = 0;
	int read_error = 0;
	unsigned long long lines_seen = 0;

	c->name = input_name(in);
	c->message = 0;
	c->message_open = 0;
	progress_begin(c->progress, in);
	/* The first bytes: up to the second line (past blank lines first), or
	 * HEAD_MAX. */
	while (head_len < HEAD_MAX) {
		const char *p = c->head, *lim = c->head + head_len;
		int lines = 0;
		while (p < lim && (p = memchr(p, '\n', (size_t)(lim - p))) != NULL) {
			p++;
			lines++;
		}
		if (lines >= 2 && smtpcode_input_kind(c->head, head_len) != SMTPCODE_INPUT_LINES)
			break;
		if (lines >= 8)
			break;
		got = input_read(in, c->head + head_len, HEAD_MAX - head_len);
		if (got <= 0) {
			read_error = got < 0;
			break;
		}
		head_len += (size_t)got;
	}
	if (mode == MODE_UNDECIDED || mode == MODE_MESSAGE) {
		enum smtpcode_input kind = smtpcode_input_kind(c->head, head_len);
		if (kind == SMTPCODE_INPUT_MBOX)
			mode = MODE_MBOX;
		else if (mode == MODE_UNDECIDED)
			mode = kind == SMTPCODE_INPUT_MESSAGE || c->opt->dsn ? MODE_MESSAGE : MODE_LINES;
	}
	if (mode == MODE_LINES) {
		const char *line;
		size_t len;
		int truncated;
		lines_init_buffered(c->reader, in, c->head, head_len);
		while (lines_next(c->reader, &line, &len, &truncated)) {
			progress_line(c->progress);
			line_record(c, line, len, c->reader->number, truncated);
		}
		read_error |= c->reader->error;
		lines_seen = c->reader->number;
	} else {
		struct mbox box;
		memset(&box, 0, sizeof box);
		box.line = 1;
		box.at_start = 1;
		if (mode == MODE_MESSAGE)
			message_begin(c, 1);
		while (head_len > 0 || !read_error) {
			if (head_len == 0) {
				got = input_read(in, c->head, HEAD_MAX);
				if (got <= 0) {
					read_error = got < 0;
					break;
				}
				head_len = (size_t)got;
			}
			progress_line(c->progress);
			if (mode == MODE_MBOX)
				mbox_bytes(c, &box, c->head, head_len, 0);
			else
				message_bytes(c, c->head, head_len);
			head_len = 0;
		}
		if (mode == MODE_MBOX)
			mbox_bytes(c, &box, c->head, 0, 1);
		lines_seen = mode == MODE_MBOX ? box.line : 0;
		message_end(c);
	}
	progress_end(c->progress);
	if (read_error) {
		fflush(stdout);
		fputs("smtpcode: ", stderr);
		safe_write(stderr, input_name(in), strlen(input_name(in)));
		if (lines_seen)
			fprintf(stderr, ": %s (after line %llu)\n", input_error(in), lines_seen);
		else
			fprintf(stderr, ": %s\n", input_error(in));
		*error = 1;
	}
}

/* An entry's name after its "cur/", "new/" or "./". */
static const char *
entry_name(const char *entry)
{
	return strchr(entry, '/') + 1;
}

static int
by_name(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	int d = strcmp(entry_name(x), entry_name(y));

	return d ? d : strcmp(x, y);
}

static int
is_dir(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* "smtpcode: BEFORE'PATH'MIDDLE DETAIL AFTER" (no spaces added) on standard
 * error, after the records so far, the path escaped: a maildir's file
 * names are anyone's. */
static void
warn_path(const char *before, const char *path, const char *middle, const char *detail, const char *after)
{
	fflush(stdout);
	fprintf(stderr, "smtpcode: %s'", before);
	safe_write(stderr, path, strlen(path));
	fprintf(stderr, "'%s%s%s\n", middle, detail, after);
}

/* Adds the entries of dir/sub to *names as "sub/name". Returns 0; 1 when
 * dir/sub is there but cannot be read (said on standard error: its
 * messages are not read); -1 when out of memory. */
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
	if (!d) {
		int err = errno;
		if (err != ENOENT) /* a maildir may lack one of the two */
			warn_path("cannot read ", path, ": ", strerror(err), "; its messages are skipped");
		free(path);
		return err != ENOENT;
	}
	for (;;) {
		size_t len;
		char *name;
		errno = 0;
		if ((e = readdir(d)) == NULL) {
			if (errno) {
				warn_path("cannot read ", path, ": ", strerror(errno), "; the rest of its messages are skipped");
				rc = 1;
			}
			break;
		}
		if (e->d_name[0] == '.')
			continue;
		len = strlen(e->d_name);
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
	free(path);
	return rc;
}

/* Why the entry at path is not read as a message, or NULL when it is a
 * regular file (a symbolic link to one included). Only regular files: a
 * FIFO would block the scan until something writes to it, a link to
 * /dev/zero would never end. A directory is no message, and no news. */
static const char *
not_a_message(const char *path, int *quiet)
{
	struct stat sb;

	*quiet = 0;
	if (stat(path, &sb) != 0)
		return NULL; /* input_open() says why it cannot be opened */
	if (S_ISREG(sb.st_mode))
		return NULL;
	*quiet = S_ISDIR(sb.st_mode);
	return S_ISFIFO(sb.st_mode)   ? "a FIFO"
	       : S_ISCHR(sb.st_mode)  ? "a character device"
	       : S_ISBLK(sb.st_mode)  ? "a block device"
	       : S_ISSOCK(sb.st_mode) ? "a socket"
	                              : "an odd kind of file";
}

/* A directory: a maildir (each file of its cur/ and new/, sorted by name, is
 * one message), or else a folder of files (.eml), each one message (or an
 * mbox, when it starts with a From line), sorted by name. Subdirectories of
 * a folder are not read. */
static int
scan_directory(struct scan_state *c, const char *dir)
{
	char **names = NULL;
	size_t n = 0, cap = 0, i, dlen = strlen(dir);
	int failed = 0, listed;
	char *cur = malloc(dlen + 5), *new = malloc(dlen + 5);
	int maildir;

	if (!cur || !new) {
		free(cur);
		free(new);
		fprintf(stderr, "smtpcode: out of memory\n");
		return 1;
	}
	snprintf(cur, dlen + 5, "%s/cur", dir);
	snprintf(new, dlen + 5, "%s/new", dir);
	maildir = is_dir(cur) || is_dir(new);
	free(cur);
	free(new);
	if (maildir) {
		listed = list_entries(dir, "cur", &names, &n, &cap);
		if (listed >= 0) {
			int more = list_entries(dir, "new", &names, &n, &cap);
			listed = more < 0 ? more : listed | more;
		}
	} else {
		listed = list_entries(dir, ".", &names, &n, &cap);
	}
	if (listed < 0) {
		fprintf(stderr, "smtpcode: out of memory\n");
		failed = 1;
	} else {
		failed = listed;
		if (n > 1)
			qsort(names, n, sizeof *names, by_name);
		for (i = 0; i < n; i++) {
			size_t plen = dlen + strlen(names[i]) + 2;
			char *path = malloc(plen);
			const char *why;
			struct input *in;
			int quiet;
			if (!path) {
				fprintf(stderr, "smtpcode: out of memory\n");
				failed = 1;
				break;
			}
			snprintf(path, plen, "%s/%s", dir, maildir ? names[i] : entry_name(names[i]));
			if ((why = not_a_message(path, &quiet)) != NULL) {
				if (!quiet) {
					warn_path("", path, " is ", why, ", not a message; skipping it");
					failed = 1;
				}
				free(path);
				continue;
			}
			in = input_open(path);
			if (!in) {
				warn_path("cannot open ", path, ": ", strerror(errno), "; skipping it");
				failed = 1;
			} else {
				c->message_name = entry_name(names[i]);
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
	c.msg = malloc(sizeof *c.msg);
	if (!reader || !head || !c.msg) {
		fprintf(stderr, "smtpcode: out of memory\n");
		free(reader);
		free(head);
		free(c.msg);
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
			failed |= scan_directory(&c, paths[i]);
			continue;
		}
		in = input_open(paths[i]);
		if (!in) {
			fflush(stdout);
			if (strcmp(paths[i], "-") == 0)
				fprintf(stderr, "smtpcode: cannot read standard input: %s\n", strerror(errno));
			else
				warn_path("cannot open ", paths[i], ": ", strerror(errno), "; skipping it");
			failed = 1;
			continue;
		}
		scan_one(&c, in, MODE_UNDECIDED, &failed);
		input_close(in);
	}
	*records = c.records;
	free(reader);
	free(head);
	free(c.msg);
	return failed;
}
