/* A log followed as it grows, across rotations and truncations (follow.h). */
#define _POSIX_C_SOURCE 200809L

#include "follow.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "interrupt.h"

struct follow {
	const char *path;
	int fd;               /* -1 while the file is not there */
	int seen;             /* a file was open once: another one is a replacement */
	dev_t dev;
	ino_t ino;
	long long offset;     /* bytes of the open file read */
	unsigned long lines_before;
	const char *restart;
	char error[160];
};

static int
open_file(struct follow *f)
{
	struct stat st;
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return -1;
	}
	f->fd = fd;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->offset = 0;
	return 0;
}

/* Moves past the last complete line of what the file holds now, counting
 * the lines before it, so that the records of new lines get their real line
 * numbers and a line being written is read whole. */
static int
skip_to_end(struct follow *f)
{
	char buf[65536];
	long long last_line_end = 0;
	ssize_t n;

	for (;;) {
		char *p, *nl;
		do
			n = read(f->fd, buf, sizeof buf);
		while (n < 0 && errno == EINTR);
		if (n <= 0)
			break;
		for (p = buf; (nl = memchr(p, '\n', (size_t)(buf + n - p))) != NULL; p = nl + 1) {
			f->lines_before++;
			last_line_end = f->offset + (nl + 1 - buf);
		}
		f->offset += n;
	}
	if (n < 0 || lseek(f->fd, (off_t)last_line_end, SEEK_SET) < 0)
		return -1;
	f->offset = last_line_end;
	return 0;
}

struct follow *
follow_open(const char *path, int from_start)
{
	struct follow *f = calloc(1, sizeof *f);

	if (!f) {
		errno = ENOMEM;
		return NULL;
	}
	f->path = path;
	f->fd = -1;
	if (open_file(f) != 0) {
		if (errno == ENOENT) {
			fprintf(stderr, "smtpcode: %s is not there yet; waiting for it\n", path);
			return f;
		}
		free(f);
		return NULL;
	}
	f->seen = 1;
	if (!from_start && skip_to_end(f) != 0) {
		int err = errno;
		follow_close(f);
		errno = err;
		return NULL;
	}
	return f;
}

void
follow_close(struct follow *f)
{
	if (!f)
		return;
	if (f->fd >= 0)
		close(f->fd);
	free(f);
}

/* At the end of what the file holds: is the name another file now, or the
 * file shorter than what was read? Returns FOLLOW_RESTART after moving to
 * the new start, 1 when a file that was not there has come, else 0. */
static int
look_again(struct follow *f)
{
	struct stat by_name, open_one;

	if (stat(f->path, &by_name) != 0)
		return 0; /* renamed away, the new one not made yet: the old may still grow */
	if (f->fd < 0 || by_name.st_dev != f->dev || by_name.st_ino != f->ino) {
		int old = f->fd, was_seen = f->seen;
		if (open_file(f) != 0)
			return 0; /* not readable yet: look again later */
		if (old >= 0)
			close(old);
		f->seen = 1;
		f->restart = "was replaced by a new file; reading that from its start";
		return was_seen ? FOLLOW_RESTART : 1;
	}
	if (fstat(f->fd, &open_one) == 0 && (long long)open_one.st_size < f->offset) {
		if (lseek(f->fd, 0, SEEK_SET) < 0)
			return 0;
		f->offset = 0;
		f->restart = "was cut short; reading it again from its start";
		return FOLLOW_RESTART;
	}
	return 0;
}

/* Waits FOLLOW_POLL_MS, or less when a signal comes. Returns 0 when the
 * waiting should end: a signal, or nobody reads standard output any more. */
static int
wait_a_little(void)
{
	struct pollfd p[2];
	int n;

	p[0].fd = interrupt_fd();
	p[0].events = POLLIN;
	/* No events asked: a pipe whose reader has gone still reports POLLERR. */
	p[1].fd = STDOUT_FILENO;
	p[1].events = 0;
	n = poll(p, 2, FOLLOW_POLL_MS);
	if (interrupt_signal())
		return 0;
	return !(n > 0 && (p[1].revents & (POLLERR | POLLHUP)));
}

long
follow_read(struct follow *f, char *buf, size_t size, void (*idle)(void *), void *ctx)
{
	for (;;) {
		int again;
		if (interrupt_signal())
			return 0;
		if (f->fd >= 0) {
			ssize_t n;
			do
				n = read(f->fd, buf, size);
			while (n < 0 && errno == EINTR);
			if (n > 0) {
				f->offset += n;
				return (long)n;
			}
			if (n < 0) {
				snprintf(f->error, sizeof f->error, "read error: %s", strerror(errno));
				return -1;
			}
		}
		again = look_again(f);
		if (again == FOLLOW_RESTART)
			return FOLLOW_RESTART;
		if (again)
			continue;
		if (idle)
			idle(ctx);
		if (!wait_a_little())
			return 0;
	}
}

unsigned long
follow_lines_before(const struct follow *f)
{
	return f->lines_before;
}

const char *
follow_error(const struct follow *f)
{
	return f->error;
}

const char *
follow_restart_reason(const struct follow *f)
{
	return f->restart ? f->restart : "";
}
