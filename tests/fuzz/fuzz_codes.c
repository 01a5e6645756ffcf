/* libFuzzer: code-string parsing and lookups. Checks: what parses looks up
 * consistently, results stay in range, nothing reads past the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtpcode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* NULL for the empty input: (NULL, 0) is valid and must compute no NULL + 0. */
	const char *s = size ? (const char *)data : NULL;
	struct smtpcode_enhanced_code e;
	unsigned code;
	int n;

	n = smtpcode_enhanced_parse(s, size, &e);
	if (n > (int)size)
		abort();
	if (n > 0) {
		if ((e.cls != 2 && e.cls != 4 && e.cls != 5) || e.subject > 999 || e.detail > 999)
			abort();
		/* A parsed detail code is found by lookup exactly when it is registered. */
		if ((size_t)n == size && smtpcode_enhanced_lookup(s, size) != smtpcode_enhanced_detail(e.subject, e.detail))
			abort();
	} else if (n < SMTPCODE_EINVAL || *smtpcode_strerror(n) == '\0') {
		abort();
	}
	n = smtpcode_basic_parse(s, size, &code);
	if (n > 0 && (n != 3 || code < 200 || code > 599))
		abort();
	if (n > 0 && smtpcode_basic_lookup(code) && smtpcode_basic_lookup(code)->code != code)
		abort();
	(void)smtpcode_enhanced_lookup(s, size);
	(void)smtpcode_reason_from_name(s, size);
	(void)smtpcode_vendor_from_name(s, size);
	(void)smtpcode_stage_from_name(s, size);
	return 0;
}
