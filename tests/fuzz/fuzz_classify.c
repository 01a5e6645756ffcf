/* libFuzzer: classification with each stage and with a host. Checks: spans
 * inside the input, valid enum values, the same answer twice, time linear
 * in the length. */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "smtpcode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The first byte picks the stage and whether part of the input is a host. */
	unsigned control = size ? data[0] : 0;
	const char *s = (const char *)data + (size ? 1 : 0);
	size_t len = size ? size - 1 : 0, host_len = (control & 0x80) ? len / 4 : 0;
	enum smtpcode_stage stage = (enum smtpcode_stage)((control & 0x7f) % SMTPCODE_STAGE_COUNT);
	struct smtpcode_result a, b;
	double start = fuzz_cpu_seconds();
	int ra, rb;

	ra = smtpcode_classify(s + host_len, len - host_len, stage, host_len ? s : NULL, host_len, &a);
	rb = smtpcode_classify(s + host_len, len - host_len, stage, host_len ? s : NULL, host_len, &b);
	within_linear_time(start, 2 * len);
	if (ra != rb || memcmp(&a, &b, sizeof a) != 0)
		abort();
	if ((unsigned)a.reason >= SMTPCODE_REASON_COUNT || (unsigned)a.action >= SMTPCODE_ACTION_COUNT ||
	    (unsigned)a.bounce >= SMTPCODE_BOUNCE_COUNT || (unsigned)a.verdict >= SMTPCODE_VERDICT_COUNT ||
	    (unsigned)a.vendor >= SMTPCODE_VENDOR_COUNT || (unsigned)a.decided_by >= SMTPCODE_SIGNAL_COUNT ||
	    (unsigned)a.carrier >= SMTPCODE_CARRIER_COUNT || (unsigned)a.stage >= SMTPCODE_STAGE_COUNT)
		abort();
	if (ra != SMTPCODE_EEMPTY && stage != SMTPCODE_STAGE_UNKNOWN && a.stage != stage)
		abort();
	inside(a.reply.raw, s + host_len, len - host_len);
	inside(a.reply.code_span, s + host_len, len - host_len);
	inside(a.reply.enhanced_span, s + host_len, len - host_len);
	inside(a.matched, s + host_len, len - host_len);
	inside(a.vendor_evidence, s, len);
	inside(a.host, s, len);
	/* A success is never a bounce; a refusal before RCPT never condemns the address. */
	if (a.reply.code / 100 == 2 && a.bounce != SMTPCODE_BOUNCE_NONE)
		abort();
	if ((stage == SMTPCODE_STAGE_CONNECT || stage == SMTPCODE_STAGE_EHLO || stage == SMTPCODE_STAGE_MAIL) &&
	    a.verdict == SMTPCODE_VERDICT_UNDELIVERABLE)
		abort();
	return 0;
}
