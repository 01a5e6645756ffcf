#define _POSIX_C_SOURCE 200809L

#include "progress.h"

#include <stdio.h>
#include <unistd.h>

#define CHECK_EVERY 4096
#define REFRESH_SECONDS 0.25

static double
seconds(struct timespec a, struct timespec b)
{
	return (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

void
progress_init(struct progress *p, int streaming)
{
	p->enabled = isatty(STDERR_FILENO) && !(streaming && isatty(STDOUT_FILENO));
	p->shown = 0;
	p->in = NULL;
	p->lines = 0;
	p->next_check = CHECK_EVERY;
}

void
progress_begin(struct progress *p, struct input *in)
{
	p->in = in;
	p->lines = 0;
	p->next_check = CHECK_EVERY;
	if (p->enabled)
		clock_gettime(CLOCK_MONOTONIC, &p->start);
	p->last = p->start;
}

static void
human(char *buf, size_t size, double bytes)
{
	if (bytes >= 1024.0 * 1024 * 1024)
		snprintf(buf, size, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
	else if (bytes >= 1024.0 * 1024)
		snprintf(buf, size, "%.1f MiB", bytes / (1024.0 * 1024));
	else
		snprintf(buf, size, "%.0f KiB", bytes / 1024.0);
}

static void
show(struct progress *p, struct timespec now)
{
	double elapsed = seconds(p->start, now);
	double done = (double)input_consumed(p->in);
	long long size = input_size(p->in);
	char read[32], total[32] = "", eta[32] = "";

	if (elapsed <= 0)
		elapsed = 1e-3;
	human(read, sizeof read, done);
	if (size > 0) {
		double left = ((double)size - done) / (done / elapsed);
		long s = left > 0 ? (long)(left + 0.5) : 0;
		human(total, sizeof total, (double)size);
		snprintf(eta, sizeof eta, ", ETA %ld:%02ld", s / 60, s % 60);
	}
	fprintf(stderr, "\rsmtpcode: %s%s%s read%s, %.0f lines/s%s\033[K", read, size > 0 ? " of " : "", total,
	        input_is_gzip(p->in) ? " (gzip)" : "", (double)p->lines / elapsed, eta);
	fflush(stderr);
	p->shown = 1;
	p->last = now;
}

void
progress_line(struct progress *p)
{
	struct timespec now;
	double elapsed;

	if (!p->enabled || !p->in || ++p->lines < p->next_check)
		return;
	p->next_check = p->lines + CHECK_EVERY;
	clock_gettime(CLOCK_MONOTONIC, &now);
	elapsed = seconds(p->start, now);
	if (!p->shown) {
		if (input_size(p->in) >= PROGRESS_LARGE || elapsed >= 1.0)
			show(p, now);
	} else if (seconds(p->last, now) >= REFRESH_SECONDS) {
		show(p, now);
	}
}

void
progress_end(struct progress *p)
{
	if (p->shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	p->shown = 0;
	p->in = NULL;
}
