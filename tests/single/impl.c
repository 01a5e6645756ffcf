/* The implementation in a unit of its own, as a project that vendors the
 * single header would have it. */
#define SMTPCODE_IMPLEMENTATION
#include "smtpcode.h"
