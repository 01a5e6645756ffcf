/* Read log lines, replies or DSN fields, one a line, from standard input and
 * print what each one says: reason, bounce type, verdict, and the text that
 * decided it. */
#include <stdio.h>
#include <string.h>

#include <smtpcode.h>

int
main(void)
{
	char line[4096];
	struct smtpcode_result r;

	while (fgets(line, sizeof line, stdin)) {
		size_t len = strcspn(line, "\r\n");

		if (smtpcode_classify(line, len, SMTPCODE_STAGE_UNKNOWN,
		                      NULL, 0, &r) != 0)
			continue; /* nothing to classify on this line */
		printf("%u %s %s %s (%s: \"%.*s\")\n", r.reply.code,
		       smtpcode_reason_name(r.reason),
		       smtpcode_bounce_name(r.bounce),
		       smtpcode_verdict_name(r.verdict),
		       smtpcode_signal_name(r.decided_by),
		       (int)r.matched.len, r.matched.ptr);
	}
	return 0;
}
