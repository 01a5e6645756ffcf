/* The exit statuses of smtpcode, as smtpcode(1) documents them. */
#ifndef SMTPCODE_CLI_EXIT_STATUS_H
#define SMTPCODE_CLI_EXIT_STATUS_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum exit_status {
	EXIT_KNOWN = 0,   /* answered: every code registered, every text classified */
	EXIT_UNKNOWN = 1, /* a code unregistered or malformed, or a text with nothing to classify */
	EXIT_USAGE = 2,   /* the command line itself was wrong */
	EXIT_IO = 3       /* an input could not be read, or the output not written */
};

/* Exits with EXIT_IO once standard output has failed (a reader that went
 * away: EPIPE when SIGPIPE is ignored; a full disk), so that a long input
 * is not read to its end for nothing. Called after each record. */
static inline void
exit_if_unwritable(void)
{
	if (ferror(stdout)) {
		int err = errno;
		fprintf(stderr, "smtpcode: writing output: %s\n", err ? strerror(err) : "write error");
		exit(EXIT_IO);
	}
}

#endif
