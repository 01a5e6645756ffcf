/* The single header compiled as C99 with SMTPCODE_STATIC: every function is
 * static here, so this copy links into the same program as libsmtpcode
 * without a clash, and test_single.c reaches it through this table. */
#define SMTPCODE_STATIC
#include "smtpcode.h"

#include "api.h"

const struct smtpcode_test_api smtpcode_test_single = {SMTPCODE_TEST_API(SMTPCODE_TEST_INIT)};
