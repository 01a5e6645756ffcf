/* smtpcode probe: is it the command asked for? Built always, so that a build without it can say so. */
#include <string.h>

#include "probe_cmd.h"

/* Options that take their value as the next argument, the others' and probe's. */
static const char *const with_value[] = {
	"--stage", "--host", "--format", "--top", "--class", "--vendor", "--color", "--colour",
	"--file", "--from", "--helo", "--tls", "--resolver", "--port", "--timeout", "--connect-timeout",
	"--greylist-wait", "--parallel", "--per-host", "--host-delay", "--per-session", NULL,
};

int
probe_requested(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		size_t k;
		if (strcmp(arg, "--") == 0)
			return i + 1 < argc && strcmp(argv[i + 1], "probe") == 0;
		if (arg[0] != '-' || arg[1] == '\0')
			return strcmp(arg, "probe") == 0;
		for (k = 0; with_value[k]; k++)
			if (strcmp(arg, with_value[k]) == 0) {
				i++; /* its value */
				break;
			}
	}
	return 0;
}
