#define _POSIX_C_SOURCE 200809L

#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "follow.h"
#include "interrupt.h"

struct input {
	int fd;          /* read with read(2): stdio would wait to fill its buffer */
	int is_stdin;
	int regular;     /* a regular file: a read never waits */
	struct follow *follow; /* --follow: the file waited on; NULL otherwise */
	void (*idle)(void *);
	void *idle_ctx;
	const char *name;
	int started;     /* the first bytes were looked at for the gzip magic */
	long long mtime; /* of a regular file, else -1 */
	int gzip;
	int eof;         /* the file is at its end */
	int done;        /* no more data will come out */
	int zstarted;    /* inflateInit2 succeeded */
	int in_member;   /* inside a gzip member (not between two) */
	int plain_after; /* bytes that are no gzip member came after one: read as they are */
	long long consumed, size;
	char error[160];
	z_stream z;
	/* Raw bytes from the file; [raw_start, raw_end) not handed on yet. */
	size_t raw_start, raw_end;
	unsigned char raw[INPUT_CHUNK];
};

/* Waits until fd has bytes, calling the idle hook first when it has none
 * yet. Returns 1, or 0 when a signal came (interrupt.h): the input ends. */
static int
wait_readable(struct input *in)
{
	struct pollfd p[2];

	p[0].fd = in->fd;
	p[0].events = POLLIN;
	p[1].fd = interrupt_fd();
	p[1].events = POLLIN;
	if (poll(p, 1, 0) == 1)
		return !interrupt_signal();
	if (in->idle)
		in->idle(in->idle_ctx);
	for (;;) {
		int n = poll(p, p[1].fd >= 0 ? 2 : 1, -1);
		if (interrupt_signal())
			return 0;
		if (n > 0 && p[0].revents)
			return 1;
		if (n < 0 && errno != EINTR)
			return 1; /* let read() say what is wrong */
	}
}

/* Bytes from the file or the followed log: > 0, 0 at the end (or after a
 * signal), -1 after an error (errno set), INPUT_RESTART. */
static long
raw_read(struct input *in, unsigned char *buf, size_t size)
{
	ssize_t n;

	if (in->follow) {
		long got = follow_read(in->follow, (char *)buf, size, in->idle, in->idle_ctx);
		if (got == FOLLOW_RESTART)
			return INPUT_RESTART;
		if (got < 0)
			snprintf(in->error, sizeof in->error, "%s", follow_error(in->follow));
		return got;
	}
	if (interrupt_signal() || (!in->regular && !wait_readable(in)))
		return 0;
	do
		n = read(in->fd, buf, size);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		snprintf(in->error, sizeof in->error, "read error: %s", strerror(errno));
	return (long)n;
}

/* 1 when bytes came into raw, 0 at the end, -1 after an error, INPUT_RESTART. */
static int
fill_raw(struct input *in)
{
	long n;

	if (in->eof)
		return 0;
	n = raw_read(in, in->raw, sizeof in->raw);
	in->raw_start = 0;
	in->raw_end = n > 0 ? (size_t)n : 0;
	if (n > 0)
		in->consumed += n;
	if (n == INPUT_RESTART)
		return INPUT_RESTART;
	if (n <= 0) {
		in->eof = 1;
		return n < 0 ? -1 : 0;
	}
	return 1;
}

static struct input *
input_new(const char *path, int fd, int is_stdin)
{
	struct input *in = calloc(1, sizeof *in);
	struct stat sb;

	if (!in) {
		errno = ENOMEM;
		return NULL;
	}
	in->fd = fd;
	in->is_stdin = is_stdin;
	in->name = path;
	in->size = -1;
	in->mtime = -1;
	if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
		in->regular = 1;
		in->size = (long long)sb.st_size;
		in->mtime = (long long)sb.st_mtime;
	}
	return in;
}

struct input *
input_open(const char *path)
{
	int is_stdin = strcmp(path, "-") == 0;
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	struct input *in;

	if (fd < 0)
		return NULL;
	in = input_new(path, fd, is_stdin);
	if (!in && !is_stdin)
		close(fd);
	return in;
}

struct input *
input_open_follow(const char *path, int from_start)
{
	struct follow *f = follow_open(path, from_start);
	struct input *in;

	if (!f)
		return NULL;
	in = input_new(path, -1, 0);
	if (!in) {
		follow_close(f);
		return NULL;
	}
	in->follow = f;
	in->started = 1; /* a followed log is plain text */
	return in;
}

void
input_set_idle(struct input *in, void (*idle)(void *), void *ctx)
{
	in->idle = idle;
	in->idle_ctx = ctx;
}

void
input_no_gzip(struct input *in)
{
	in->started = 1; /* no look at the magic: a pipe need not wait for two bytes */
}

/* The first bytes: two are enough to tell the gzip magic. */
static void
start(struct input *in)
{
	in->started = 1;
	while (in->raw_end < 2 && !in->eof) {
		long n = raw_read(in, in->raw + in->raw_end, sizeof in->raw - in->raw_end);
		if (n <= 0) {
			in->eof = 1;
			break;
		}
		in->raw_end += (size_t)n;
		in->consumed += n;
	}
	if (in->raw_end >= 2 && in->raw[0] == 0x1f && in->raw[1] == 0x8b) {
		in->gzip = 1;
		/* 16 + MAX_WBITS: a gzip stream, no zlib header. */
		if (inflateInit2(&in->z, 16 + MAX_WBITS) != Z_OK) {
			snprintf(in->error, sizeof in->error, "gzip: cannot start the decompressor: out of memory");
			return;
		}
		in->zstarted = 1;
		in->in_member = 1;
	}
}

void
input_close(struct input *in)
{
	if (!in)
		return;
	if (in->zstarted)
		inflateEnd(&in->z);
	if (in->fd >= 0 && !in->is_stdin)
		close(in->fd);
	follow_close(in->follow);
	free(in);
}

static long
read_plain(struct input *in, char *buf, size_t size)
{
	size_t n;

	if (in->raw_start == in->raw_end) {
		int r = fill_raw(in);
		if (r <= 0)
			return r;
	}
	n = in->raw_end - in->raw_start;
	if (n > size)
		n = size;
	memcpy(buf, in->raw + in->raw_start, n);
	in->raw_start += n;
	return (long)n;
}

static long
read_gzip(struct input *in, char *buf, size_t size)
{
	in->z.next_out = (unsigned char *)buf;
	in->z.avail_out = (uInt)size;
	while (in->z.avail_out == size) {
		int rc;
		if (in->raw_start == in->raw_end) {
			int r = fill_raw(in);
			if (r < 0)
				return -1;
			if (r == 0) {
				if (in->in_member && !interrupt_signal()) {
					snprintf(in->error, sizeof in->error,
					         "truncated gzip data: the file ends inside a compressed stream");
					return -1;
				}
				return 0;
			}
		}
		if (!in->in_member) {
			/* Between members: another member may follow (as `cat a.gz b.gz`
			 * makes), or zero padding, skipped as gzip -d does. Any other
			 * bytes (`cat a.gz b.log`) are read as they are, not dropped. */
			while (in->raw_start < in->raw_end && in->raw[in->raw_start] == 0)
				in->raw_start++;
			if (in->raw_start == in->raw_end)
				continue;
			if (in->raw[in->raw_start] != 0x1f) {
				in->plain_after = 1;
				return read_plain(in, buf, size);
			}
			if (inflateReset(&in->z) != Z_OK) {
				snprintf(in->error, sizeof in->error, "gzip: cannot reset the decompressor");
				return -1;
			}
			in->in_member = 1;
		}
		in->z.next_in = in->raw + in->raw_start;
		in->z.avail_in = (uInt)(in->raw_end - in->raw_start);
		rc = inflate(&in->z, Z_NO_FLUSH);
		in->raw_start = in->raw_end - in->z.avail_in;
		if (rc == Z_STREAM_END) {
			in->in_member = 0;
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			/* What came out before the error is handed on first (a bad
			 * check value comes after all of the data); the error ends
			 * the next read. */
			snprintf(in->error, sizeof in->error, "corrupt gzip data: %s",
			         in->z.msg ? in->z.msg : "inflate failed");
			return in->z.avail_out < size ? (long)(size - in->z.avail_out) : -1;
		}
	}
	return (long)(size - in->z.avail_out);
}

long
input_read(struct input *in, char *buf, size_t size)
{
	long n;

	if (in->done || size == 0)
		return 0;
	if (!in->started)
		start(in);
	if (in->error[0]) {
		in->done = 1;
		return -1;
	}
	n = in->gzip && !in->plain_after ? read_gzip(in, buf, size) : read_plain(in, buf, size);
	if (n == INPUT_RESTART)
		return n;
	if (n <= 0)
		in->done = 1;
	return n;
}

int
input_ready(struct input *in)
{
	struct pollfd p;

	if (in->regular || in->done || in->eof || in->raw_start < in->raw_end)
		return 1;
	if (in->fd < 0) /* a followed file: its bytes are waited for */
		return 0;
	p.fd = in->fd;
	p.events = POLLIN;
	return poll(&p, 1, 0) == 1;
}

const char *
input_error(const struct input *in)
{
	return in->error;
}

const char *
input_restart_reason(const struct input *in)
{
	return in->follow ? follow_restart_reason(in->follow) : "";
}

const char *
input_name(const struct input *in)
{
	return in->name;
}

long long
input_consumed(const struct input *in)
{
	return in->consumed;
}

long long
input_size(const struct input *in)
{
	return in->size;
}

int
input_is_gzip(const struct input *in)
{
	return in->gzip;
}

int
input_is_regular(const struct input *in)
{
	return in->regular;
}

unsigned long
input_lines_before(const struct input *in)
{
	return in->follow ? follow_lines_before(in->follow) : 0;
}

long long
input_reference_time(const struct input *in)
{
	return in->mtime >= 0 ? in->mtime : (long long)time(NULL);
}
