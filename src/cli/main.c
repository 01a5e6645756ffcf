/* smtpcode: explain SMTP reply codes. */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "render.h"
#include "smtpcode.h"

enum exit_status {
	EXIT_KNOWN = 0,     /* every query answered from a registered code */
	EXIT_UNKNOWN = 1,   /* a query was unregistered or malformed */
	EXIT_USAGE = 2      /* the command line itself was wrong */
};

static const char usage_text[] =
	"usage: smtpcode [--json] [--color=WHEN] CODE...\n"
	"       smtpcode [--json] -            (read codes from standard input, one a line)\n"
	"       smtpcode --help | --version\n";

static const char help_text[] =
	"Explain SMTP reply codes: what a code means, why servers send it, and what\n"
	"the sender should do about it.\n"
	"\n"
	"A CODE is one of:\n"
	"  550        a basic reply code (RFC 5321 and its extensions)\n"
	"  5.1.1      an enhanced status code (RFC 3463, the IANA registry)\n"
	"  X.1.1      a registry entry in every class it is used with\n"
	"  X.7.X      a subject; 5.X.X a class\n"
	"\n"
	"Every answer gives the meaning, typical causes, what to do, and the outcome\n"
	"a bounce handler needs: the reason, the bounce type (hard: the address is\n"
	"bad; block: the sender was refused, keep the address; soft: retry) and the\n"
	"verdict when the code answers RCPT TO.\n"
	"\n"
	"Options:\n"
	"  --json          one JSON object a query, one a line (see docs/json.md)\n"
	"  --color=WHEN    auto (default: only on a terminal, never if NO_COLOR is set),\n"
	"                  always or never\n"
	"  -h, --help      show this help\n"
	"  -V, --version   show the program, data and registry versions\n"
	"\n"
	"Examples:\n"
	"  smtpcode 550               what 550 means\n"
	"  smtpcode 550 5.1.1         a reply's basic and enhanced codes\n"
	"  smtpcode 5.7.26 --json     machine-readable\n"
	"  smtpcode X.2.2             mailbox full, as 4.2.2 and as 5.2.2\n"
	"  cut -d' ' -f2 codes.txt | smtpcode --json -\n"
	"\n"
	"Exit status: 0 every code is registered; 1 a code is unregistered (answered\n"
	"from its digits) or malformed; 2 usage error.\n";

struct options {
	int json;
	int color;  /* -1 auto, 0 never, 1 always */
	int stdin_queries;
};

static int
terminal_width(void)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");
	int w = 0;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		w = ws.ws_col;
	else if (cols && *cols)
		w = atoi(cols);
	if (w <= 0)
		w = 80;
	if (w < 40)
		w = 40;
	if (w > 100)
		w = 100;
	return w;
}

static int
use_color(int color)
{
	const char *no_color = getenv("NO_COLOR");

	if (color >= 0)
		return color;
	if (no_color && *no_color)
		return 0;
	return isatty(STDOUT_FILENO);
}

static int
answer(const struct options *opt, const struct style *st, const char *q, size_t len, int *count)
{
	struct answer a;

	query_resolve(&a, q, len);
	if (a.kind == QUERY_ERROR)
		fprintf(stderr, "smtpcode: %s\n", a.message);
	if (opt->json) {
		render_json(stdout, &a);
	} else if (a.kind != QUERY_ERROR) {
		if ((*count)++)
			putchar('\n');
		render_text(stdout, st, &a);
	}
	return a.kind != QUERY_ERROR && a.registered ? EXIT_KNOWN : EXIT_UNKNOWN;
}

static int
answer_stdin(const struct options *opt, const struct style *st, int *count)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int status = EXIT_KNOWN;

	while ((n = getline(&line, &cap, stdin)) > 0) {
		size_t len = (size_t)n;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len == 0)
			continue;
		if (answer(opt, st, line, len, count) != EXIT_KNOWN)
			status = EXIT_UNKNOWN;
	}
	if (ferror(stdin)) {
		perror("smtpcode: reading standard input");
		status = EXIT_UNKNOWN;
	}
	free(line);
	return status;
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "smtpcode: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%sTry 'smtpcode --help' for more.\n", usage_text);
	return EXIT_USAGE;
}

int
main(int argc, char **argv)
{
	struct options opt = {0, -1, 0};
	struct style st;
	int i, nqueries = 0, status = EXIT_KNOWN, count = 0, options_done = 0;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (options_done || arg[0] != '-' || arg[1] == '\0') {
			if (strcmp(arg, "-") == 0 && !options_done)
				opt.stdin_queries = 1;
			nqueries++;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			options_done = 1;
		} else if (strcmp(arg, "--json") == 0) {
			opt.json = 1;
		} else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			fputs(usage_text, stdout);
			putchar('\n');
			fputs(help_text, stdout);
			return EXIT_KNOWN;
		} else if (strcmp(arg, "-V") == 0 || strcmp(arg, "--version") == 0) {
			printf("smtpcode %s\ndata %s, IANA enhanced status code registry of %s\n",
			       smtpcode_version(), smtpcode_data_version(), smtpcode_registry_date());
			return EXIT_KNOWN;
		} else if (strncmp(arg, "--color", 7) == 0 || strncmp(arg, "--colour", 8) == 0) {
			const char *when = strchr(arg, '=');
			if (!when && (strcmp(arg, "--color") == 0 || strcmp(arg, "--colour") == 0) && i + 1 < argc)
				when = argv[++i];
			else if (when)
				when++;
			if (!when)
				return usage_error("%s needs a value: auto, always or never", arg);
			if (strcmp(when, "auto") == 0)
				opt.color = -1;
			else if (strcmp(when, "always") == 0)
				opt.color = 1;
			else if (strcmp(when, "never") == 0)
				opt.color = 0;
			else
				return usage_error("--color takes auto, always or never, not '%s'", when);
		} else if (arg[1] >= '0' && arg[1] <= '9') {
			return usage_error("'%s' looks like a negative number; reply codes have no sign", arg);
		} else {
			return usage_error("unknown option '%s'", arg);
		}
	}
	if (nqueries == 0)
		return usage_error("%s", "no code given");

	st.color = opt.json ? 0 : use_color(opt.color);
	st.width = terminal_width();
	options_done = 0;
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (!options_done && strcmp(arg, "--") == 0) {
			options_done = 1;
			continue;
		}
		if (!options_done && (strncmp(arg, "--color", 7) == 0 || strncmp(arg, "--colour", 8) == 0)) {
			if (!strchr(arg, '='))
				i++;
			continue;
		}
		if (!options_done && arg[0] == '-' && arg[1] != '\0')
			continue;
		if (!options_done && strcmp(arg, "-") == 0) {
			if (answer_stdin(&opt, &st, &count) != EXIT_KNOWN)
				status = EXIT_UNKNOWN;
			continue;
		}
		if (answer(&opt, &st, arg, strlen(arg), &count) != EXIT_KNOWN)
			status = EXIT_UNKNOWN;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("smtpcode: writing output");
		return EXIT_UNKNOWN;
	}
	return status;
}
