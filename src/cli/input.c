#define _POSIX_C_SOURCE 200809L

#include "input.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

struct input {
	FILE *file;
	const char *name;
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

static int
fill_raw(struct input *in)
{
	size_t n;

	if (in->eof)
		return 0;
	n = fread(in->raw, 1, sizeof in->raw, in->file);
	in->raw_start = 0;
	in->raw_end = n;
	in->consumed += (long long)n;
	if (n == 0) {
		in->eof = 1;
		if (ferror(in->file)) {
			snprintf(in->error, sizeof in->error, "read error: %s", strerror(errno ? errno : EIO));
			return -1;
		}
	}
	return (int)(n > 0);
}

struct input *
input_open(const char *path)
{
	struct input *in;
	struct stat sb;
	int is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");

	if (!f)
		return NULL;
	in = calloc(1, sizeof *in);
	if (!in) {
		if (!is_stdin)
			fclose(f);
		errno = ENOMEM;
		return NULL;
	}
	in->file = f;
	in->name = path;
	in->size = -1;
	if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode))
		in->size = (long long)sb.st_size;
	/* Peek at the first bytes: two are enough for the gzip magic. */
	while (in->raw_end < 2 && !in->eof) {
		size_t n = fread(in->raw + in->raw_end, 1, sizeof in->raw - in->raw_end, f);
		in->raw_end += n;
		in->consumed += (long long)n;
		if (n == 0) {
			in->eof = 1;
			if (ferror(f))
				snprintf(in->error, sizeof in->error, "read error: %s", strerror(errno ? errno : EIO));
		}
	}
	if (in->raw_end >= 2 && in->raw[0] == 0x1f && in->raw[1] == 0x8b) {
		in->gzip = 1;
		/* 16 + MAX_WBITS: a gzip stream, no zlib header. */
		if (inflateInit2(&in->z, 16 + MAX_WBITS) != Z_OK) {
			input_close(in);
			errno = ENOMEM;
			return NULL;
		}
		in->zstarted = 1;
		in->in_member = 1;
	}
	return in;
}

void
input_close(struct input *in)
{
	if (!in)
		return;
	if (in->zstarted)
		inflateEnd(&in->z);
	if (in->file != stdin)
		fclose(in->file);
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
				if (in->in_member) {
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
	if (in->error[0]) {
		in->done = 1;
		return -1;
	}
	n = in->gzip && !in->plain_after ? read_gzip(in, buf, size) : read_plain(in, buf, size);
	if (n <= 0)
		in->done = 1;
	return n;
}

const char *
input_error(const struct input *in)
{
	return in->error;
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
