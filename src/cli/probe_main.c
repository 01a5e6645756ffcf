/* smtpcode probe: its command line, the addresses grouped by domain, worker threads, answers in input order. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "exit_status.h"
#include "probe.h"
#include "probe_cmd.h"
#include "render.h"

/* The exit status of one verdict (smtpcode(1), EXIT STATUS): the larger,
 * the less is known about the address; a run exits with the largest. */
static int
verdict_status(enum smtpcode_verdict v)
{
	switch (v) {
	case SMTPCODE_VERDICT_DELIVERABLE: return 0;
	case SMTPCODE_VERDICT_UNDELIVERABLE: return 1;
	case SMTPCODE_VERDICT_RISKY: return 4;
	case SMTPCODE_VERDICT_RETRY: return 5;
	case SMTPCODE_VERDICT_BLOCKED: return 6;
	default: return 7;
	}
}

struct run {
	struct probe_options opt;
	const struct style *st;
	struct probe_address **addresses; /* in input order */
	size_t naddresses, cap;
	struct probe_domain **domains;
	size_t ndomains;
	/* the workers' queue and the printer's place, under lock */
	pthread_mutex_t lock;
	size_t next_domain, next_print;
	struct probe_hosts *hosts;
	struct probe_tls *tls;
	char **lines; /* the texts read from files, owned here */
	size_t nlines;
	int status;
};

/* The help text comes in blocks (C strings have a length limit). */
static void
put_help(FILE *f, const char *const *help)
{
	for (; *help; help++)
		fputs(*help, f);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int
usage(const char *const *help, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "smtpcode: probe: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	/* The usage lines (the help's first block), as the other commands do. */
	{
		size_t n = strlen(help[0]);
		if (n >= 2 && help[0][n - 1] == '\n' && help[0][n - 2] == '\n')
			n--; /* the blank line that ends a block */
		fprintf(stderr, "\n%.*sTry 'smtpcode probe --help' for more.\n", (int)n, help[0]);
	}
	return EXIT_USAGE;
}

static void *
xalloc(void *p, size_t count, size_t size)
{
	void *q = realloc(p, count * size);

	if (!q) {
		fprintf(stderr, "smtpcode: out of memory\n");
		exit(EXIT_IO);
	}
	return q;
}

static void
add_address(struct run *r, const char *text)
{
	struct probe_address *a = xalloc(NULL, 1, sizeof *a);

	memset(a, 0, sizeof *a);
	a->input = text;
	a->index = r->naddresses;
	if (r->naddresses == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->addresses = xalloc(r->addresses, r->cap, sizeof *r->addresses);
	}
	r->addresses[r->naddresses++] = a;
}

/* One address a line; blank lines and lines starting with # are skipped. */
static int
read_list(struct run *r, const char *path)
{
	FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	const char *shown = strcmp(path, "-") == 0 ? "standard input" : path;
	char line[1100];
	unsigned long number = 0;
	int status = 0;

	if (!in) {
		fprintf(stderr, "smtpcode: probe: cannot open %s: %s\n", path, strerror(errno));
		return EXIT_IO;
	}
	while (fgets(line, sizeof line, in)) {
		size_t len = strlen(line);
		char *p = line, *copy;
		number++;
		if (len == sizeof line - 1 && line[len - 1] != '\n') {
			fprintf(stderr, "smtpcode: probe: %s, line %lu: longer than 1 KiB; give one address a line\n", shown,
			        number);
			status = EXIT_IO;
			break;
		}
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
			line[--len] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		copy = xalloc(NULL, strlen(p) + 1, 1);
		memcpy(copy, p, strlen(p) + 1);
		r->lines = xalloc(r->lines, r->nlines + 1, sizeof *r->lines);
		r->lines[r->nlines++] = copy;
		add_address(r, copy);
	}
	if (ferror(in)) {
		fprintf(stderr, "smtpcode: probe: reading %s: %s\n", shown, strerror(errno));
		status = EXIT_IO;
	}
	if (in != stdin)
		fclose(in);
	return status;
}

/* Seconds given as a decimal number in [min, max], or -1. */
static double
seconds_arg(const char *s, double min, double max)
{
	char *end;
	double v;

	if ((*s < '0' || *s > '9') && *s != '.')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (*end || errno || !isfinite(v) || v < min || v > max)
		return -1;
	return v;
}

/* The host name when it is a domain name with a dot: the default HELO name,
 * and postmaster@ it the default sender. Never a made-up name. */
static void
defaults_from_host(struct probe_options *opt, char *host, size_t size, char *from, size_t fsize)
{
	if (gethostname(host, size) != 0)
		host[0] = '\0';
	host[size - 1] = '\0';
	if (host[0] && strchr(host, '.') && probe_helo_valid(host)) {
		if (!opt->helo)
			opt->helo = host;
		if (!opt->from) {
			snprintf(from, fsize, "postmaster@%s", host);
			opt->from = from;
		}
	}
	if (!opt->from)
		opt->from = ""; /* the null sender, <> */
}

/* Parses the options; addresses (and lists) are collected in r. Returns -1
 * to go on, or the exit status. */
static int
parse(int argc, char **argv, struct run *r, const char *const *help, int *color)
{
	struct probe_options *opt = &r->opt;
	int i, done = 0, seen_command = 0, status;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *value = NULL;
		size_t name_len;
		if (done || arg[0] != '-' || strcmp(arg, "-") == 0) {
			if (!seen_command && !done && strcmp(arg, "probe") == 0) {
				seen_command = 1;
				continue;
			}
			if (strcmp(arg, "-") == 0) {
				if ((status = read_list(r, "-")) != 0)
					return status;
			} else {
				add_address(r, arg);
			}
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			done = 1;
			continue;
		}
		name_len = strcspn(arg, "=");
		if (arg[name_len] == '=')
			value = arg + name_len + 1;
#define IS(name) (name_len == strlen(name) && strncmp(arg, name, name_len) == 0)
#define VALUE()                                                                  \
	do {                                                                     \
		if (!value) {                                                    \
			if (i + 1 >= argc)                                       \
				return usage(help, "%.*s needs a value", (int)name_len, arg); \
			value = argv[++i];                                       \
		}                                                                \
	} while (0)
#define NO_VALUE()                                                                         \
	do {                                                                               \
		if (value)                                                                 \
			return usage(help, "%.*s takes no value", (int)name_len, arg);     \
	} while (0)
		if (IS("-h") || IS("--help")) {
			put_help(stdout, help);
			return EXIT_KNOWN;
		} else if (IS("--json")) {
			NO_VALUE();
			opt->json = 1;
		} else if (IS("-v") || IS("--verbose")) {
			NO_VALUE();
			opt->verbose = 1;
		} else if (IS("--no-catch-all")) {
			NO_VALUE();
			opt->catch_all = 0;
		} else if (IS("--file")) {
			VALUE();
			if ((status = read_list(r, value)) != 0)
				return status;
		} else if (IS("--from")) {
			size_t at;
			int utf8;
			const char *why;
			VALUE();
			if (*value && (why = probe_address_check(value, strlen(value), &at, &utf8)))
				return usage(help, "--from '%s': %s", value, why);
			if (*value && utf8)
				return usage(help, "--from '%s': give a sender in ASCII", value);
			opt->from = value;
		} else if (IS("--helo")) {
			VALUE();
			if (!probe_helo_valid(value))
				return usage(help, "--helo '%s': give a host name with its domain, or an address literal "
				                   "such as [192.0.2.1]", value);
			opt->helo = value;
		} else if (IS("--tls")) {
			VALUE();
			if (strcmp(value, "try") == 0)
				opt->tls = PROBE_TLS_TRY;
			else if (strcmp(value, "require") == 0)
				opt->tls = PROBE_TLS_REQUIRE;
			else if (strcmp(value, "never") == 0)
				opt->tls = PROBE_TLS_NEVER;
			else
				return usage(help, "--tls takes try, require or never, not '%s'", value);
		} else if (IS("--resolver")) {
			const char *why;
			VALUE();
			if ((why = probe_dns_check_resolver(value)))
				return usage(help, "--resolver '%s': %s; give ADDR or ADDR:PORT, such as 127.0.0.1:5353 or "
				                   "[::1]:53", value, why);
			opt->resolver = value;
		} else if (IS("--port")) {
			long v;
			VALUE();
			if ((v = number_arg(value, 1, 65535)) < 0)
				return usage(help, "--port takes a number from 1 to 65535, not '%s'", value);
			opt->port = (unsigned)v;
		} else if (IS("--timeout") || IS("--connect-timeout") || IS("--host-delay") || IS("--greylist-wait")) {
			double v, max = IS("--greylist-wait") ? PROBE_GREYLIST_MAX : 600;
			double min = IS("--timeout") || IS("--connect-timeout") ? 0.1 : 0;
			VALUE();
			if ((v = seconds_arg(value, min, max)) < 0)
				return usage(help, "%.*s takes seconds from %g to %g, not '%s'", (int)name_len, arg, min, max,
				             value);
			if (IS("--timeout"))
				opt->timeout = v;
			else if (IS("--connect-timeout"))
				opt->connect_timeout = v;
			else if (IS("--host-delay"))
				opt->host_delay = v;
			else
				opt->greylist_wait = v;
		} else if (IS("--parallel") || IS("--per-host") || IS("--per-session")) {
			long v, max = IS("--per-session") ? 100 : 64;
			VALUE();
			if ((v = number_arg(value, 1, max)) < 0)
				return usage(help, "%.*s takes a number from 1 to %ld, not '%s'", (int)name_len, arg, max, value);
			if (IS("--parallel"))
				opt->parallel = (unsigned)v;
			else if (IS("--per-host"))
				opt->per_host = (unsigned)v;
			else
				opt->per_session = (unsigned)v;
		} else if (IS("--color") || IS("--colour")) {
			VALUE();
			if (strcmp(value, "auto") == 0)
				*color = -1;
			else if (strcmp(value, "always") == 0)
				*color = 1;
			else if (strcmp(value, "never") == 0)
				*color = 0;
			else
				return usage(help, "--color takes auto, always or never, not '%s'", value);
		} else {
			char names[256];
			if (option_commands_text(arg, name_len, names, sizeof names) != ~0u)
				return usage(help, "%.*s applies to %s", (int)name_len, arg, names);
			return usage(help, "unknown option '%s' (smtpcode probe --help lists them)", arg);
		}
#undef IS
#undef VALUE
#undef NO_VALUE
	}
	if (r->naddresses == 0)
		return usage(help, "no address given: name them, or give --file FILE or - for a list");
	return -1;
}

/* Lower case, for grouping: DNS names are case-insensitive. */
static char *
lower_copy(const char *s, size_t len)
{
	char *p = xalloc(NULL, len + 1, 1);
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	p[len] = '\0';
	return p;
}

static int
by_domain(const void *x, const void *y)
{
	const struct probe_address *a = *(struct probe_address *const *)x, *b = *(struct probe_address *const *)y;
	const char *da = a->address + a->at + 1, *db = b->address + b->at + 1;
	int c = strcasecmp(da, db);

	return c ? c : a->index < b->index ? -1 : a->index > b->index;
}

/* Checks each address; the valid ones are grouped by domain. */
static void
group(struct run *r)
{
	struct probe_address **valid = xalloc(NULL, r->naddresses ? r->naddresses : 1, sizeof *valid);
	size_t i, n = 0;

	for (i = 0; i < r->naddresses; i++) {
		struct probe_address *a = r->addresses[i];
		const char *why = probe_address_check(a->input, strlen(a->input), &a->at, &a->utf8);
		if (why) {
			probe_outcome_event(&a->answer, SMTPCODE_STAGE_RCPT, "bad-syntax", NULL, "553 5.1.3",
			                    "not an address RCPT TO can carry: %s", why);
			a->verdict = a->answer.result.verdict;
			a->done = 1;
			continue;
		}
		a->address = xalloc(NULL, strlen(a->input) + 1, 1);
		memcpy(a->address, a->input, strlen(a->input) + 1);
		valid[n++] = a;
	}
	qsort(valid, n, sizeof *valid, by_domain);
	for (i = 0; i < n; i++) {
		struct probe_address *a = valid[i];
		const char *dom = a->address + a->at + 1;
		struct probe_domain *d = r->ndomains ? r->domains[r->ndomains - 1] : NULL;
		if (!d || strcasecmp(d->name, dom) != 0) {
			d = xalloc(NULL, 1, sizeof *d);
			memset(d, 0, sizeof *d);
			d->name = lower_copy(dom, strlen(dom));
			d->literal = dom[0] == '[';
			d->catch_all = -1;
			r->domains = xalloc(r->domains, r->ndomains + 1, sizeof *r->domains);
			r->domains[r->ndomains++] = d;
		}
		d->addresses = xalloc(d->addresses, d->naddresses + 1, sizeof *d->addresses);
		d->addresses[d->naddresses++] = a;
		a->domain = d;
	}
	free(valid);
}

/* Prints the answers that are ready, in input order (under r->lock). */
static void
print_ready(struct run *r)
{
	while (r->next_print < r->naddresses && r->addresses[r->next_print]->done) {
		struct probe_address *a = r->addresses[r->next_print++];
		int s = verdict_status(a->verdict);
		if (r->opt.json) {
			probe_print_json(stdout, &r->opt, a);
		} else {
			if (r->next_print > 1) /* a blank line between answers */
				putchar('\n');
			probe_print_text(stdout, r->st, &r->opt, a);
		}
		fflush(stdout);
		exit_if_unwritable();
		if (s > r->status)
			r->status = s;
	}
}

static void *
worker(void *arg)
{
	struct run *r = arg;
	char error[300];
	struct probe_dns *dns = probe_dns_new(&r->opt, error, sizeof error);

	if (!dns) {
		fprintf(stderr, "smtpcode: probe: %s\n", error);
		exit(EXIT_IO);
	}
	for (;;) {
		struct probe_domain *d;
		double started = probe_now();
		size_t i;
		pthread_mutex_lock(&r->lock);
		if (r->next_domain == r->ndomains) {
			pthread_mutex_unlock(&r->lock);
			break;
		}
		d = r->domains[r->next_domain++];
		pthread_mutex_unlock(&r->lock);

		probe_route_domain(&r->opt, r->hosts, r->tls, dns, d);

		pthread_mutex_lock(&r->lock);
		for (i = 0; i < d->naddresses; i++) {
			d->addresses[i]->started = started;
			d->addresses[i]->ended = probe_now();
			d->addresses[i]->done = 1;
		}
		print_ready(r);
		pthread_mutex_unlock(&r->lock);
	}
	probe_dns_free(dns);
	return NULL;
}

static void
free_run(struct run *r)
{
	size_t i, k;

	for (i = 0; i < r->naddresses; i++) {
		struct probe_address *a = r->addresses[i];
		probe_outcome_free(&a->answer);
		probe_outcome_free(&a->greylisted);
		free(a->address);
		free(a->sessions);
		free(a);
	}
	for (i = 0; i < r->ndomains; i++) {
		struct probe_domain *d = r->domains[i];
		for (k = 0; k < d->nsessions; k++)
			probe_session_free(d->sessions[k]);
		probe_outcome_free(&d->catch_all_answer);
		free(d->sessions);
		free(d->addresses);
		free(d->dns_notes);
		free(d->name);
		free(d);
	}
	for (i = 0; i < r->nlines; i++)
		free(r->lines[i]);
	free(r->lines);
	free(r->addresses);
	free(r->domains);
	probe_hosts_free(r->hosts);
	probe_tls_free(r->tls);
}

int
probe_main(int argc, char **argv, const char *const *help, struct style *st)
{
	struct run r;
	pthread_t threads[64];
	char host[256], from[300], error[300];
	const char *no_color = getenv("NO_COLOR");
	int color = -1, status;
	unsigned i, nthreads;

	memset(&r, 0, sizeof r);
	r.opt.tls = PROBE_TLS_TRY;
	r.opt.port = 25;
	r.opt.connect_timeout = 10;
	r.opt.timeout = 30;
	r.opt.host_delay = 1;
	r.opt.parallel = 4;
	r.opt.per_host = 1;
	r.opt.per_session = 10;
	r.opt.catch_all = 1;
	if ((status = parse(argc, argv, &r, help, &color)) >= 0) {
		free_run(&r);
		return status;
	}
	st->color = r.opt.json ? 0 : color >= 0 ? color : (no_color && *no_color) ? 0 : isatty(STDOUT_FILENO);
	r.st = st;
	defaults_from_host(&r.opt, host, sizeof host, from, sizeof from);

	/* A server that closes while we write must not end the program. */
	signal(SIGPIPE, SIG_IGN);
	if (probe_dns_library_init() != 0 || !(r.hosts = probe_hosts_new()) ||
	    !(r.tls = probe_tls_new(error, sizeof error))) {
		fprintf(stderr, "smtpcode: probe: %s\n", r.hosts ? error : "setting up the resolver failed");
		free_run(&r);
		probe_dns_library_cleanup();
		return EXIT_IO;
	}
	pthread_mutex_init(&r.lock, NULL);
	group(&r);
	pthread_mutex_lock(&r.lock);
	print_ready(&r); /* the addresses that failed the syntax check, up to the first to probe */
	pthread_mutex_unlock(&r.lock);

	nthreads = r.opt.parallel < r.ndomains ? r.opt.parallel : (unsigned)r.ndomains;
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&threads[i], NULL, worker, &r) != 0)
			break;
	nthreads = i;
	if (nthreads == 0 && r.ndomains)
		worker(&r); /* no thread could be made: do the work here */
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_lock(&r.lock);
	print_ready(&r);
	pthread_mutex_unlock(&r.lock);
	status = r.status;
	pthread_mutex_destroy(&r.lock);
	free_run(&r);
	probe_dns_library_cleanup();
	return status;
}
