/* Every function that takes (pointer, length) given (NULL, 0), and the
 * parsers also NULL with a length. test_single_header.py builds it with
 * clang's undefined-behaviour sanitizer, which aborts on NULL + 0 (gcc's
 * does not check that), and runs it: it must exit 0. */
#include <stdio.h>

#define SMTPCODE_IMPLEMENTATION
#include "smtpcode.h"

static int failures;

static void
expect(int got, int want, const char *what)
{
	if (got != want) {
		printf("%s: %d, expected %d\n", what, got, want);
		failures++;
	}
}

int
main(void)
{
	struct smtpcode_reply r;
	struct smtpcode_enhanced_code c;
	struct smtpcode_result res;
	unsigned code;

	expect(smtpcode_parse_reply(NULL, 0, &r), SMTPCODE_EEMPTY, "smtpcode_parse_reply(NULL, 0)");
	expect(smtpcode_parse_reply(NULL, 3, &r), SMTPCODE_EINVAL, "smtpcode_parse_reply(NULL, 3)");
	expect(smtpcode_enhanced_parse(NULL, 0, &c), SMTPCODE_EEMPTY, "smtpcode_enhanced_parse(NULL, 0)");
	expect(smtpcode_enhanced_parse(NULL, 5, &c), SMTPCODE_EINVAL, "smtpcode_enhanced_parse(NULL, 5)");
	expect(smtpcode_basic_parse(NULL, 0, &code), SMTPCODE_EEMPTY, "smtpcode_basic_parse(NULL, 0)");
	expect(smtpcode_basic_parse(NULL, 3, &code), SMTPCODE_EINVAL, "smtpcode_basic_parse(NULL, 3)");
	expect(smtpcode_enhanced_lookup(NULL, 0) == NULL, 1, "smtpcode_enhanced_lookup(NULL, 0) is NULL");
	expect(smtpcode_enhanced_lookup(NULL, 5) == NULL, 1, "smtpcode_enhanced_lookup(NULL, 5) is NULL");
	expect(smtpcode_classify(NULL, 0, SMTPCODE_STAGE_UNKNOWN, NULL, 0, &res), SMTPCODE_EEMPTY,
	       "smtpcode_classify(NULL, 0)");
	expect(smtpcode_classify("550", 3, SMTPCODE_STAGE_UNKNOWN, NULL, 0, &res), 0, "smtpcode_classify(no host)");
	expect(smtpcode_reason_from_name(NULL, 0), -1, "smtpcode_reason_from_name(NULL, 0)");
	expect(smtpcode_vendor_from_name(NULL, 0), -1, "smtpcode_vendor_from_name(NULL, 0)");
	expect(smtpcode_stage_from_name(NULL, 0), -1, "smtpcode_stage_from_name(NULL, 0)");
	return failures != 0;
}
