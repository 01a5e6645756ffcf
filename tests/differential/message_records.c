/* Reads each file named as one bounce message through the reader of the
 * library it is built with (the shared library, or the single header) and
 * prints a line per record: file, index, line, recipient, DSN action,
 * report, reason, bounce type, basic and enhanced codes, the signal that
 * decided and the text it matched, then the message's problem bits.
 * tests/test_messages.py compares the two builds with scan and explain. */
#include <stdio.h>
#include <stdlib.h>

#include "smtpcode.h"

static void
field(struct smtpcode_span s)
{
	size_t i;

	putchar('\t');
	for (i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.ptr[i];
		if (c == '\t' || c == '\n' || c == '\r' || c == '\\')
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

static void
on_recipient(void *ctx, const struct smtpcode_recipient *rcpt)
{
	const struct smtpcode_result *r = &rcpt->result;

	printf("%s\t%u\t%llu", (const char *)ctx, rcpt->index, (unsigned long long)rcpt->line);
	field(rcpt->address);
	printf("\t%s\t%s\t%s\t%s\t%u\t", smtpcode_dsn_action_name(rcpt->action), smtpcode_report_name(rcpt->report),
	       smtpcode_reason_name(r->reason), smtpcode_bounce_name(r->bounce), r->reply.code);
	if (r->reply.enhanced.cls)
		printf("%u.%u.%u", r->reply.enhanced.cls, r->reply.enhanced.subject, r->reply.enhanced.detail);
	printf("\t%s", smtpcode_signal_name(r->decided_by));
	field(r->matched);
	putchar('\n');
}

int
main(int argc, char **argv)
{
	static struct smtpcode_message m;
	static char buf[1 << 16];
	int i;

	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		size_t n;
		if (!f) {
			perror(argv[i]);
			return 2;
		}
		smtpcode_message_init(&m, SMTPCODE_STAGE_UNKNOWN, on_recipient, argv[i]);
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			smtpcode_message_feed(&m, buf, n);
		fclose(f);
		smtpcode_message_end(&m);
		printf("%s\tproblems\t%u\n", argv[i], smtpcode_message_problems(&m));
	}
	return 0;
}
