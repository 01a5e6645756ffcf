/* libFuzzer: the reply grammar. Checks: every span lies inside the input,
 * the line texts come in order and cover no byte twice, the flags agree,
 * time linear in the length. */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdlib.h>

#include "fuzz_check.h"
#include "smtpcode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* NULL for the empty input: (NULL, 0) is valid and must compute no NULL + 0. */
	const char *s = size ? (const char *)data : NULL;
	struct smtpcode_reply r;
	struct smtpcode_span text;
	const char *last_end = s;
	size_t pos = 0;
	unsigned lines = 0;
	double start = fuzz_cpu_seconds();
	int n = smtpcode_parse_reply(s, size, &r);

	if (n <= 0) {
		within_linear_time(start, size);
		return 0;
	}
	if ((size_t)n > size || r.raw.ptr != s || r.raw.len != (size_t)n || r.lines == 0)
		abort();
	if (r.code < 200 || r.code > 599)
		abort();
	inside(r.code_span, s, size);
	inside(r.enhanced_span, s, size);
	if ((r.lines > 1) != !!(r.flags & SMTPCODE_REPLY_MULTILINE))
		abort();
	while (smtpcode_reply_next_text(&r, &pos, &text)) {
		inside(text, r.raw.ptr, r.raw.len);
		if (text.ptr < last_end)
			abort(); /* a byte covered twice, or out of order */
		last_end = text.ptr + text.len;
		if (++lines > r.lines)
			abort();
	}
	if (lines != r.lines)
		abort();
	within_linear_time(start, 2 * size);
	return 0;
}
