/* The second unit of the SMTPCODE_STATIC test (see static_a.c). */
#include <string.h>

#define SMTPCODE_STATIC
#include "smtpcode.h"

const char *static_b_reason(const char *text);

const char *
static_b_reason(const char *text)
{
	struct smtpcode_result r;

	smtpcode_classify(text, strlen(text), SMTPCODE_STAGE_UNKNOWN, NULL, 0, &r);
	return smtpcode_reason_name(r.reason);
}
