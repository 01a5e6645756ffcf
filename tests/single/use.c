/* A unit that only uses the API: it sees the declarations and links with the
 * unit that holds the implementation (impl.c). Included twice: the guard holds. */
#include <stdio.h>
#include <string.h>

#include "smtpcode.h"
#include "smtpcode.h"

int
main(void)
{
	const char *reply = "550 5.1.1 <user@example.com>: Recipient address rejected: User unknown";
	const struct smtpcode_basic *b = smtpcode_basic_lookup(550);
	const struct smtpcode_enhanced *e = smtpcode_enhanced_lookup("5.7.26", 6);
	struct smtpcode_result r;

	if (!b || !e || smtpcode_classify(reply, strlen(reply), SMTPCODE_STAGE_RCPT, NULL, 0, &r) != 0)
		return 1;
	printf("%s | %s | %s %s %s | %s\n", smtpcode_text(b->title), smtpcode_text(e->title),
	       smtpcode_reason_name(r.reason), smtpcode_bounce_name(r.bounce), smtpcode_verdict_name(r.verdict),
	       smtpcode_version());
	return 0;
}
