/* SMTPCODE_STATIC in two units of one program (with static_b.c): each has its
 * own private copy, and nothing clashes at link time. */
#include <stdio.h>
#include <string.h>

#define SMTPCODE_STATIC
#include "smtpcode.h"

const char *static_b_reason(const char *text);

int
main(void)
{
	const char *text = "452 4.2.2 The email account that you tried to reach is over quota.";
	struct smtpcode_result r;

	smtpcode_classify(text, strlen(text), SMTPCODE_STAGE_UNKNOWN, NULL, 0, &r);
	printf("%s %s\n", smtpcode_reason_name(r.reason), static_b_reason(text));
	return strcmp(smtpcode_reason_name(r.reason), static_b_reason(text)) != 0;
}
