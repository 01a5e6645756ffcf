/* The library against the single header, line by line: reads a file of
 * lines (LF-separated, any bytes), classifies each with both copies (with no
 * stage, and with a stage picked by the line's number, so every stage is
 * covered; and each line with the next, LF between, for multi-line replies)
 * and stops with the first input where they differ in any field.
 * For the CLI comparison (test_differential.py) it prints the library's
 * answer with no stage, one TSV line per input line; spans in hex, flags by
 * name, "-" for none.
 *
 * usage: differential FILE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpcode.h"
#include "single/api.h"

static const struct smtpcode_test_api lib = {SMTPCODE_TEST_API(SMTPCODE_TEST_INIT)};

static int
same_span(struct smtpcode_span a, struct smtpcode_span b)
{
	return a.len == b.len && (a.len == 0 || a.ptr == b.ptr);
}

/* The first field where the two answers differ, or NULL. */
static const char *
difference(int ra, const struct smtpcode_result *a, int rb, const struct smtpcode_result *b)
{
	if (ra != rb)
		return "return value";
	if (a->reply.code != b->reply.code || a->reply.lines != b->reply.lines || a->reply.flags != b->reply.flags)
		return "reply code, lines or flags";
	if (a->reply.enhanced.cls != b->reply.enhanced.cls || a->reply.enhanced.subject != b->reply.enhanced.subject ||
	    a->reply.enhanced.detail != b->reply.enhanced.detail)
		return "enhanced code";
	if (!same_span(a->reply.raw, b->reply.raw) || !same_span(a->reply.code_span, b->reply.code_span) ||
	    !same_span(a->reply.enhanced_span, b->reply.enhanced_span))
		return "reply spans";
	if (a->carrier != b->carrier || a->stage != b->stage || !same_span(a->host, b->host))
		return "carrier, stage or host";
	if (a->vendor != b->vendor || !same_span(a->vendor_evidence, b->vendor_evidence))
		return "vendor";
	if (a->reason != b->reason || a->action != b->action || a->bounce != b->bounce || a->verdict != b->verdict)
		return "reason, action, bounce or verdict";
	if (a->decided_by != b->decided_by || !same_span(a->matched, b->matched))
		return "decided_by or matched";
	return NULL;
}

static void
put_span(struct smtpcode_span s)
{
	size_t i;

	putchar('\t');
	if (!s.len) {
		putchar('-');
		return;
	}
	for (i = 0; i < s.len; i++)
		printf("%02x", (unsigned char)s.ptr[i]);
}

static void
put_name(const char *name)
{
	printf("\t%s", name ? name : "-");
}

/* The reply's flags by name, comma-separated; "-" for none. */
static void
put_flags(unsigned flags)
{
	const char *name, *sep = "\t";
	unsigned i;

	for (i = 0; (name = lib.reply_flag_name((enum smtpcode_reply_flag)(1u << i))) != NULL; i++) {
		if (flags & (1u << i)) {
			printf("%s%s", sep, name);
			sep = ",";
		}
	}
	printf("%s\n", flags ? "" : "\t-");
}

static void
put_answer(int rc, const struct smtpcode_result *r)
{
	printf("%d\t%u", rc, r->reply.code);
	if (r->reply.enhanced.cls)
		printf("\t%u.%u.%u", r->reply.enhanced.cls, r->reply.enhanced.subject, r->reply.enhanced.detail);
	else
		put_name(NULL);
	put_name(r->stage ? lib.stage_name(r->stage) : NULL);
	put_span(r->host);
	put_name(r->vendor ? lib.vendor_name(r->vendor) : NULL);
	put_name(lib.reason_name(r->reason));
	put_name(lib.action_name(r->action));
	put_name(lib.bounce_name(r->bounce));
	put_name(lib.verdict_name(r->verdict));
	put_name(lib.signal_name(r->decided_by));
	put_span(r->matched);
	put_name(lib.carrier_name(r->carrier));
	put_span(r->reply.raw);
	put_flags(r->reply.flags);
}

/* Both copies on one line with one stage; exits on a difference. */
static void
compare(const char *s, size_t len, enum smtpcode_stage stage, unsigned long number, struct smtpcode_result *a,
        int *ra)
{
	struct smtpcode_result b;
	const char *what;
	int rb;

	memset(a, 0, sizeof *a);
	memset(&b, 0xff, sizeof b); /* a field one copy leaves unset shows */
	*ra = lib.classify(s, len, stage, NULL, 0, a);
	rb = smtpcode_test_single.classify(s, len, stage, NULL, 0, &b);
	what = difference(*ra, a, rb, &b);
	if (what) {
		fflush(stdout);
		fprintf(stderr, "differential: line %lu, stage %s: the library and the single header differ in %s\n",
		        number, stage ? lib.stage_name(stage) : "none", what);
		exit(1);
	}
}

int
main(int argc, char **argv)
{
	FILE *f;
	char *buf;
	long size;
	size_t at = 0;
	unsigned long number = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: differential FILE\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "differential: cannot read %s\n", argv[1]);
		return 2;
	}
	buf = malloc((size_t)size + 1);
	if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
		fprintf(stderr, "differential: cannot read %s\n", argv[1]);
		return 2;
	}
	fclose(f);
	while (at < (size_t)size) {
		char *nl = memchr(buf + at, '\n', (size_t)size - at);
		size_t len = (size_t)((nl ? nl : buf + size) - (buf + at));
		struct smtpcode_result r, staged;
		int rc, rs;
		number++;
		compare(buf + at, len, (enum smtpcode_stage)(number % SMTPCODE_STAGE_COUNT), number, &staged, &rs);
		if (nl) { /* this line and the next */
			char *next = memchr(nl + 1, '\n', (size_t)(buf + size - (nl + 1)));
			compare(buf + at, (size_t)((next ? next : buf + size) - (buf + at)), SMTPCODE_STAGE_UNKNOWN, number,
			        &staged, &rs);
		}
		compare(buf + at, len, SMTPCODE_STAGE_UNKNOWN, number, &r, &rc);
		put_answer(rc, &r);
		at += len + 1;
	}
	free(buf);
	return 0;
}
