/* Reading the inputs of scan and stats: files, standard input, maildirs and
 * a followed log, each as lines or as bounce messages (scan.h). */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "exit_status.h"
#include "explain.h"
#include "filter.h"
#include "input.h"
#include "lines.h"
#include "progress.h"
#include "reply_lines.h"
#include "safe_text.h"
#include "scan_internal.h"

#define HEAD_MAX (64 * 1024) /* read before an input's kind is told; also the chunk of a message */
#define NOTE_MAX (4 * 4096 + 512)

struct scan_state {
	const struct scan_options *opt;
	scan_fn *fn;
	void *ctx;
	void (*note)(void *, const char *); /* where warnings go; NULL: standard error */
	void *note_ctx;
	struct pool *pool;         /* the threads that classify, or NULL */
	struct progress *progress; /* NULL in a pool's thread */
	struct line_reader *reader;
	struct reply_lines *joiner; /* a multi-line reply's lines, held until its last */
	struct smtpcode_message *msg; /* the library's reader of bounce messages */
	char *head;                /* HEAD_MAX bytes */
	const char *name;          /* the file of the records */
	const char *message_name;  /* a maildir entry's name, or NULL */
	long long reference;       /* dates the lines without a year (input_reference_time()) */
	struct local_cache times;
	unsigned long message;     /* index of the message being read */
	unsigned long long message_line; /* the file's line where the message starts */
	int message_open;
	long records;              /* of this scan */
	long message_records;      /* of the message being read */
};

/* "smtpcode: BEFORE'PATH'AFTER" (the path escaped: a maildir's file names
 * are anyone's; quoted when quote is set), to where warnings go. */
#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static void
say(struct scan_state *c, const char *before, const char *path, int quote, const char *fmt, ...)
{
	char text[NOTE_MAX];
	size_t n;
	va_list ap;

	n = (size_t)snprintf(text, sizeof text, "smtpcode: %s%s", before, quote ? "'" : "");
	if (path) {
		safe_copy(text + n, sizeof text - n - 200, path, strlen(path));
		n += strlen(text + n);
	}
	if (quote)
		text[n++] = '\'';
	va_start(ap, fmt);
	vsnprintf(text + n, sizeof text - n - 1, fmt, ap);
	va_end(ap);
	n += strlen(text + n);
	text[n++] = '\n';
	text[n] = '\0';
	if (c->pool)
		pool_note(c->pool, text);
	else if (c->note)
		c->note(c->note_ctx, text);
	else {
		fflush(stdout);
		fputs(text, stderr);
	}
}

/* The time of a log line: the span the library found, else the header of
 * an RFC 5424 line. */
static const struct log_time *
line_time(struct scan_state *c, const struct smtpcode_result *r, const char *line, size_t len, struct log_time *t)
{
	if (r->timestamp.len)
		return log_time_parse(r->timestamp.ptr, r->timestamp.len, c->reference, &c->times, t) == 0 ? t : NULL;
	return log_time_rfc5424(line, len, &c->times, t) == 0 ? t : NULL;
}

static void
emit(struct scan_state *c, unsigned long line, const struct scan_msg *msg, const struct smtpcode_result *r, int rc,
     int truncated, const char *text, size_t text_len)
{
	struct scan_record rec;
	struct log_time t;

	rec.name = c->name;
	rec.line = line;
	rec.msg = msg;
	rec.r = r;
	rec.rc = rc;
	rec.truncated = truncated;
	if (msg) {
		rec.recipient.ptr = msg->recipient;
		rec.recipient.len = msg->recipient ? msg->recipient_len : 0;
	} else {
		rec.recipient = r->recipient;
	}
	rec.text.ptr = text;
	rec.text.len = text_len;
	rec.time = c->opt->need_time && !msg ? line_time(c, r, text, text_len, &t) : NULL;
	if (!filter_keeps(c->opt->filter, &rec))
		return;
	c->fn(c->ctx, &rec);
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
	emit(c, (unsigned long)(c->message_line + rcpt->line - 1), &msg, r, rc,
	     (rcpt->flags & SMTPCODE_RECIPIENT_CUT) != 0, rcpt->text.ptr, rcpt->text.len);
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
		if (c->message_name)
			say(c, "", c->name, 0, ": %s", smtpcode_message_problem_text(bit));
		else
			say(c, "", c->name, 0, ": message %lu: %s", c->message, smtpcode_message_problem_text(bit));
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
		emit(c, (unsigned long)c->message_line, &msg, &r, rc, 0, "", 0);
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
		emit(c, number, NULL, &r, rc, truncated, line, len);
}

/* Messages: a whole one (MODE_MESSAGE) or an mbox, from the bytes given
 * and then, when in is not NULL, the rest of it. Returns the lines read of
 * an mbox (for a read error's message), and *read_error. */
static unsigned long long
run_messages(struct scan_state *c, enum scan_mode mode, const char *data, size_t len, struct input *in,
             int *read_error)
{
	struct mbox box;

	memset(&box, 0, sizeof box);
	box.line = 1;
	box.at_start = 1;
	c->message = 0;
	c->message_open = 0;
	if (mode == MODE_MESSAGE)
		message_begin(c, 1);
	for (;;) {
		if (mode == MODE_MBOX)
			mbox_bytes(c, &box, data, len, 0);
		else
			message_bytes(c, data, len);
		if (!in)
			break;
		{
			long got = input_read(in, c->head, HEAD_MAX);
			if (got <= 0) {
				*read_error = got < 0;
				break;
			}
			if (c->progress)
				progress_line(c->progress);
			data = c->head;
			len = (size_t)got;
		}
	}
	if (mode == MODE_MBOX)
		mbox_bytes(c, &box, data, 0, 1);
	message_end(c);
	return mode == MODE_MBOX ? box.line : 0;
}

long
scan_task_lines(struct scan_state *c, scan_fn *fn, void *ctx, const char *name, long long reference,
                unsigned long first_line, const char *packed, size_t len)
{
	const char *p = packed, *end = packed + len;
	unsigned long number = first_line;
	long before = c->records;

	c->fn = fn;
	c->ctx = ctx;
	c->name = name;
	c->message_name = NULL;
	c->reference = reference;
	while (p + 4 <= end) {
		uint32_t head;
		size_t n;
		memcpy(&head, p, sizeof head);
		n = head & ~PACKED_TRUNCATED;
		p += sizeof head;
		line_record(c, p, n, number++, (head & PACKED_TRUNCATED) != 0);
		p += n;
	}
	return c->records - before;
}

long
scan_task_messages(struct scan_state *c, scan_fn *fn, void *ctx, const char *name, const char *message_name,
                   enum scan_mode mode, const char *data, size_t len)
{
	long before = c->records;
	int read_error = 0;

	c->fn = fn;
	c->ctx = ctx;
	c->name = name;
	c->message_name = message_name;
	run_messages(c, mode, data, len, NULL, &read_error);
	c->message_name = NULL;
	return c->records - before;
}

/* After what the reader holds is out: the records, then the warning. */
static void
flush_idle(void *ctx)
{
	(void)ctx;
	fflush(stdout);
}

/* A line, or a multi-line reply's lines joined, classified here ... */
static void
record_text(void *ctx, const char *text, size_t len, unsigned long number, int truncated)
{
	line_record(ctx, text, len, number, truncated);
}

/* ... or handed to the pool (the first error is kept). */
struct pooled {
	struct pool *pool;
	int rc;
};

static void
pool_text(void *ctx, const char *text, size_t len, unsigned long number, int truncated)
{
	struct pooled *to = ctx;

	if (to->rc == 0)
		to->rc = pool_line(to->pool, text, len, number, truncated);
}

/* Lines, classified here. */
static void
run_lines(struct scan_state *c, struct input *in, const char *head, size_t head_len, int *read_error)
{
	struct line_reader *r = c->reader;
	unsigned long restarts = 0;
	const char *line;
	size_t len;
	int truncated;

	lines_init_buffered(r, in, head, head_len);
	r->number = input_lines_before(in);
	while (lines_next(r, &line, &len, &truncated)) {
		if (r->restarts != restarts) {
			restarts = r->restarts;
			reply_lines_flush(c->joiner, record_text, c);
			say(c, "", c->name, 0, " %s", input_restart_reason(in));
		}
		if (c->progress)
			progress_line(c->progress);
		/* A followed log's lines go out as they come, and --all answers
		 * every line: none is held. */
		if (c->opt->follow || c->opt->all)
			line_record(c, line, len, r->number, truncated);
		else
			reply_lines_put(c->joiner, line, len, r->number, truncated, record_text, c);
	}
	reply_lines_flush(c->joiner, record_text, c);
	*read_error |= r->error;
}

/* Lines, handed to the pool to classify. */
static int
pool_lines(struct scan_state *c, struct input *in, const char *head, size_t head_len, int *read_error)
{
	struct line_reader *r = c->reader;
	const char *line;
	size_t len;
	int truncated, rc;

	struct pooled to = {c->pool, 0};

	lines_init_buffered(r, in, head, head_len);
	rc = pool_input(c->pool, c->name, c->reference);
	while (rc == 0 && to.rc == 0 && lines_next(r, &line, &len, &truncated)) {
		if (c->progress)
			progress_line(c->progress);
		if (c->opt->all)
			pool_text(&to, line, len, r->number, truncated);
		else
			reply_lines_put(c->joiner, line, len, r->number, truncated, pool_text, &to);
	}
	if (rc == 0)
		reply_lines_flush(c->joiner, pool_text, &to);
	if (rc == 0)
		rc = to.rc;
	if (rc == 0)
		rc = pool_input_end(c->pool);
	*read_error |= r->error;
	return rc;
}

/* A whole input of messages, read into memory for the pool, up to
 * POOL_MESSAGES_MAX. Returns 1 when the pool took it, -1 when out of
 * memory; else 0, and the bytes read so far in *data (malloc'd; NULL when
 * none could be kept but the head), for the caller to go on from. */
static int
pool_whole(struct scan_state *c, struct input *in, enum scan_mode mode, const char *head, size_t head_len, char **data,
           size_t *len, int *read_error)
{
	size_t cap = head_len > 65536 ? head_len : 65536;
	char *buf = malloc(cap);

	*data = NULL;
	*len = 0;
	if (!buf)
		return 0;
	memcpy(buf, head, head_len);
	*len = head_len;
	for (;;) {
		long got;
		if (*len == cap) {
			char *bigger;
			if (cap >= POOL_MESSAGES_MAX)
				break;
			bigger = realloc(buf, cap * 2);
			if (!bigger)
				break;
			buf = bigger;
			cap *= 2;
		}
		got = input_read(in, buf + *len, cap - *len);
		if (got < 0) {
			*read_error = 1;
			break; /* the error is said after the records: read here */
		}
		if (got == 0)
			return pool_messages(c->pool, c->name, c->message_name, mode, buf, *len) == 0 ? 1 : -1;
		if (c->progress)
			progress_line(c->progress);
		*len += (size_t)got;
	}
	*data = buf;
	return 0;
}

/* The first bytes: up to the second line (past blank lines first), or
 * HEAD_MAX; no more than what is there when the input would wait for more,
 * so that a log fed line by line is classified as it comes. */
static size_t
read_head(struct scan_state *c, struct input *in, int *read_error)
{
	size_t head_len = 0;

	while (head_len < HEAD_MAX) {
		const char *p = c->head, *lim = c->head + head_len;
		int lines = 0;
		long got;
		while (p < lim && (p = memchr(p, '\n', (size_t)(lim - p))) != NULL) {
			p++;
			lines++;
		}
		if (lines >= 2 && smtpcode_input_kind(c->head, head_len) != SMTPCODE_INPUT_LINES)
			break;
		if (lines >= 8 || (lines >= 1 && !input_ready(in)))
			break;
		got = input_read(in, c->head + head_len, HEAD_MAX - head_len);
		if (got <= 0) {
			*read_error = got < 0;
			break;
		}
		head_len += (size_t)got;
	}
	return head_len;
}

/* Reads one input as lines, a message or an mbox; `mode` MODE_UNDECIDED:
 * told from its first bytes (smtpcode_input_kind()). *error is set after a
 * read error. */
static void
scan_one(struct scan_state *c, struct input *in, enum scan_mode mode, int *error)
{
	size_t head_len = 0;
	int read_error = 0;
	unsigned long long lines_seen = 0;
	int pooled = c->pool && input_is_regular(in);

	c->name = input_name(in);
	c->reference = input_reference_time(in);
	c->message = 0;
	c->message_open = 0;
	if (c->progress)
		progress_begin(c->progress, in);
	if (!c->opt->follow)
		head_len = read_head(c, in, &read_error);
	if (mode == MODE_UNDECIDED && c->opt->follow) {
		mode = MODE_LINES; /* a followed log: its kind is not waited for */
	} else if (mode == MODE_UNDECIDED || mode == MODE_MESSAGE) {
		enum smtpcode_input kind = smtpcode_input_kind(c->head, head_len);
		if (kind == SMTPCODE_INPUT_MBOX)
			mode = MODE_MBOX;
		else if (mode == MODE_UNDECIDED)
			mode = kind == SMTPCODE_INPUT_MESSAGE || c->opt->dsn ? MODE_MESSAGE : MODE_LINES;
	}
	if (c->pool && !pooled && pool_drain(c->pool) != 0)
		pooled = -1;
	if (pooled < 0) {
		say(c, "out of memory", NULL, 0, "%s", "");
		*error = 1;
	} else if (mode == MODE_LINES) {
		if (!pooled)
			run_lines(c, in, c->head, head_len, &read_error);
		else if (pool_lines(c, in, c->head, head_len, &read_error) != 0)
			say(c, "out of memory", NULL, 0, "%s", ""), *error = 1;
		lines_seen = c->reader->number;
	} else {
		char *data = NULL;
		size_t len = 0;
		int whole = pooled ? pool_whole(c, in, mode, c->head, head_len, &data, &len, &read_error) : 0;
		if (whole == 0 && pooled && pool_drain(c->pool) != 0)
			whole = -1;
		if (whole < 0) {
			say(c, "out of memory", NULL, 0, "%s", "");
			*error = 1;
		} else if (whole == 0) {
			/* Too long to hand on whole, or a read error: read here, on
			 * from what was read. */
			lines_seen = run_messages(c, mode, data ? data : c->head, data ? len : head_len,
			                          read_error ? NULL : in, &read_error);
		}
		free(data);
	}
	if (c->progress)
		progress_end(c->progress);
	if (read_error) {
		if (lines_seen)
			say(c, "", input_name(in), 0, ": %s (after line %llu)", input_error(in), lines_seen);
		else
			say(c, "", input_name(in), 0, ": %s", input_error(in));
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

/* Adds the entries of dir/sub to *names as "sub/name". Returns 0; 1 when
 * dir/sub is there but cannot be read (said on standard error: its
 * messages are not read); -1 when out of memory. */
static int
list_entries(struct scan_state *c, const char *dir, const char *sub, char ***names, size_t *n, size_t *cap)
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
			say(c, "cannot read ", path, 1, ": %s; its messages are skipped", strerror(err));
		free(path);
		return err != ENOENT;
	}
	for (;;) {
		size_t len;
		char *name;
		errno = 0;
		if ((e = readdir(d)) == NULL) {
			if (errno) {
				say(c, "cannot read ", path, 1, ": %s; the rest of its messages are skipped", strerror(errno));
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
		say(c, "out of memory", NULL, 0, "%s", "");
		return 1;
	}
	snprintf(cur, dlen + 5, "%s/cur", dir);
	snprintf(new, dlen + 5, "%s/new", dir);
	maildir = is_dir(cur) || is_dir(new);
	free(cur);
	free(new);
	if (maildir) {
		listed = list_entries(c, dir, "cur", &names, &n, &cap);
		if (listed >= 0) {
			int more = list_entries(c, dir, "new", &names, &n, &cap);
			listed = more < 0 ? more : listed | more;
		}
	} else {
		listed = list_entries(c, dir, ".", &names, &n, &cap);
	}
	if (listed < 0) {
		say(c, "out of memory", NULL, 0, "%s", "");
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
				say(c, "out of memory", NULL, 0, "%s", "");
				failed = 1;
				break;
			}
			snprintf(path, plen, "%s/%s", dir, maildir ? names[i] : entry_name(names[i]));
			if ((why = not_a_message(path, &quiet)) != NULL) {
				if (!quiet) {
					say(c, "", path, 1, " is %s, not a message; skipping it", why);
					failed = 1;
				}
				free(path);
				continue;
			}
			in = input_open(path);
			if (!in) {
				say(c, "cannot open ", path, 1, ": %s; skipping it", strerror(errno));
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

struct scan_state *
scan_state_new(const struct scan_options *opt, void (*note)(void *, const char *), void *note_ctx)
{
	struct scan_state *c = calloc(1, sizeof *c);

	if (!c)
		return NULL;
	c->opt = opt;
	c->note = note;
	c->note_ctx = note_ctx;
	c->reader = malloc(sizeof *c->reader);
	c->joiner = calloc(1, sizeof *c->joiner);
	c->head = malloc(HEAD_MAX);
	c->msg = malloc(sizeof *c->msg);
	if (!c->reader || !c->joiner || !c->head || !c->msg) {
		scan_state_free(c);
		return NULL;
	}
	return c;
}

void
scan_state_free(struct scan_state *c)
{
	if (!c)
		return;
	free(c->reader);
	free(c->joiner);
	free(c->head);
	free(c->msg);
	free(c);
}

int
scan_run(char **paths, int n, const struct scan_options *opt, scan_fn *fn, void *ctx, struct pool *pool,
         long *records)
{
	static char dash0[] = "-";
	static char *dash[] = {dash0};
	struct scan_state *c = scan_state_new(opt, NULL, NULL);
	struct progress p;
	int i, failed = 0;

	*records = 0;
	if (!c) {
		fprintf(stderr, "smtpcode: out of memory\n");
		return 1;
	}
	c->fn = fn;
	c->ctx = ctx;
	c->pool = pool;
	c->progress = &p;
	if (n == 0) {
		paths = dash;
		n = 1;
	}
	progress_init(&p, opt->streaming);
	for (i = 0; i < n; i++) {
		struct input *in;
		if (!opt->follow && strcmp(paths[i], "-") != 0 && is_dir(paths[i])) {
			c->message = 0;
			failed |= scan_directory(c, paths[i]);
			continue;
		}
		in = opt->follow ? input_open_follow(paths[i], opt->from_start) : input_open(paths[i]);
		if (!in) {
			if (strcmp(paths[i], "-") == 0)
				say(c, "cannot read standard input: ", NULL, 0, "%s", strerror(errno));
			else
				say(c, "cannot open ", paths[i], 1, ": %s; skipping it", strerror(errno));
			failed = 1;
			continue;
		}
		/* A record is out as soon as its line is read: before a wait. */
		if (opt->streaming)
			input_set_idle(in, flush_idle, NULL);
		scan_one(c, in, MODE_UNDECIDED, &failed);
		input_close(in);
	}
	*records = c->records;
	scan_state_free(c);
	return failed;
}

int
scan_inputs(char **paths, int n, const struct scan_options *opt, scan_fn *fn, void *ctx, long *records)
{
	return scan_run(paths, n, opt, fn, ctx, NULL, records);
}
