/* Classification throughput over a corpus built from the data's samples,
 * dressed in the carriers people feed it (bare, Postfix, Exim, DSN), against
 * memchr over the same lines: the speed of merely finding line ends.
 *
 *   bench_classify [MEGABYTES]     default 64
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smtpcode.h"
#include "smtpcode_test_data.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static size_t
build_corpus(char *buf, size_t size)
{
	size_t o = 0, i = 0;

	while (o + 2048 < size) {
		const char *text = expect_samples[i % COUNT_OF(expect_samples)].input;
		unsigned minute = (unsigned)(i % 60), id = (unsigned)(i % 100000);
		int n;
		switch ((i / COUNT_OF(expect_samples) + i) % 4) {
		case 0:
			n = snprintf(buf + o, size - o, "%s\n", text);
			break;
		case 1:
			n = snprintf(buf + o, size - o,
			             "Nov  5 10:%02u:00 mx postfix/smtp[1234]: 4F2A%05u: to=<user@example.com>, "
			             "relay=mx.example.com[192.0.2.1]:25, delay=1.2, dsn=5.0.0, status=bounced "
			             "(host mx.example.com[192.0.2.1] said: %s (in reply to RCPT TO command))\n",
			             minute, id, text);
			break;
		case 2:
			n = snprintf(buf + o, size - o,
			             "2026-11-05 10:%02u:00 1vXyz-000%05u-AB ** user@example.com R=dnslookup "
			             "T=remote_smtp: SMTP error from remote mail server after RCPT TO:<user@example.com>: "
			             "%s\n",
			             minute, id, text);
			break;
		default:
			n = snprintf(buf + o, size - o, "Diagnostic-Code: smtp; %s\n", text);
			break;
		}
		o += (size_t)n;
		i++;
	}
	return o;
}

int
main(int argc, char **argv)
{
	size_t mb = argc > 1 ? (size_t)atol(argv[1]) : 64, size = mb << 20, len, lines = 0;
	char *buf = malloc(size);
	double t0, t_memchr = 1e30, t_classify = 1e30;
	volatile unsigned sink = 0;
	int round;

	if (!buf || !expect_samples[0].input)
		return 1;
	len = build_corpus(buf, size);
	for (round = 0; round < 3; round++) {
		const char *p = buf, *end = buf + len, *nl;
		size_t n = 0;
		t0 = seconds();
		while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
			sink += (unsigned)(nl - p);
			p = nl + 1;
			n++;
		}
		if (seconds() - t0 < t_memchr)
			t_memchr = seconds() - t0;
		lines = n;
		p = buf;
		t0 = seconds();
		while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
			struct smtpcode_result r;
			smtpcode_classify(p, (size_t)(nl - p), SMTPCODE_STAGE_UNKNOWN, NULL, 0, &r);
			sink += r.reason;
			p = nl + 1;
		}
		if (seconds() - t0 < t_classify)
			t_classify = seconds() - t0;
	}
	printf("corpus: %.1f MB, %zu lines, %.0f bytes/line (best of 3 rounds, one core)\n", (double)len / 1e6, lines,
	       (double)len / (double)lines);
	printf("%-28s %10s %14s %12s %10s\n", "method", "GB/s", "lines/s", "ns/line", "vs memchr");
	printf("%-28s %10.2f %14.0f %12.1f %10s\n", "memchr (line ends only)", (double)len / t_memchr / 1e9,
	       (double)lines / t_memchr, t_memchr * 1e9 / (double)lines, "1x");
	printf("%-28s %10.2f %14.0f %12.1f %9.1fx\n", "smtpcode_classify", (double)len / t_classify / 1e9,
	       (double)lines / t_classify, t_classify * 1e9 / (double)lines, t_classify / t_memchr);
	free(buf);
	return sink == 42; /* keeps the work */
}
