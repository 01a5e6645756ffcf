#include "smtpcode.h"
#include "smtpcode_version.h"

const char *
smtpcode_version(void)
{
	return SMTPCODE_VERSION_STRING;
}
