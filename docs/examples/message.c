/* Read one bounce message from standard input, in pieces as they come, and
 * print a line for each recipient it reports on: the address, the DSN action,
 * the reason and the bounce type. */
#include <stdio.h>

#include <smtpcode.h>

static void
on_recipient(void *ctx, const struct smtpcode_recipient *rcpt)
{
	(void)ctx;
	printf("%.*s %s %s %s\n", (int)rcpt->address.len,
	       rcpt->address.len ? rcpt->address.ptr : "",
	       smtpcode_dsn_action_name(rcpt->action),
	       smtpcode_reason_name(rcpt->result.reason),
	       smtpcode_bounce_name(rcpt->result.bounce));
}

int
main(void)
{
	static struct smtpcode_message m; /* too large for a small stack */
	char buf[8192];
	size_t n;
	unsigned problems;

	smtpcode_message_init(&m, SMTPCODE_STAGE_UNKNOWN, on_recipient, NULL);
	while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
		smtpcode_message_feed(&m, buf, n);
	if (smtpcode_message_end(&m) == 0)
		fprintf(stderr, "no recipient in this message\n");
	problems = smtpcode_message_problems(&m);
	for (unsigned bit = 1; bit && problems; bit <<= 1)
		if (problems & bit)
			fprintf(stderr, "note: %s\n", smtpcode_message_problem_text(bit));
	return 0;
}
