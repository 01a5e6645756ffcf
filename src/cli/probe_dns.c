/* smtpcode probe: the MX hosts of a domain and their addresses, through c-ares (RFC 5321 5.1, RFC 7505). */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <sys/select.h> /* c-ares's header needs fd_set and struct timeval */
#include <sys/time.h>
#include <ares.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "probe.h"
#include "safe_text.h"

struct probe_dns {
	ares_channel channel;
	double deadline_span; /* the longest one query may take, all tries and servers included */
};

/* One query's answer, copied out of c-ares's callback. */
struct answer {
	int done;
	int status;
	unsigned char *buf;
	int len;
};

int
probe_dns_library_init(void)
{
	return ares_library_init(ARES_LIB_INIT_ALL) == ARES_SUCCESS ? 0 : -1;
}

void
probe_dns_library_cleanup(void)
{
	ares_library_cleanup();
}

/* "ADDR", "ADDR:PORT", "[V6]", "[V6]:PORT" or a bare IPv6 address, into
 * c-ares's form ("ADDR:PORT", "[V6]:PORT") in out. Returns NULL or what is wrong. */
static const char *
resolver_item(const char *s, size_t len, char *out, size_t size)
{
	char host[64];
	unsigned char bin[16];
	unsigned long port = 53;
	const char *colon = NULL;
	size_t hlen;
	int v6 = 0;

	if (len == 0)
		return "an empty server in the list";
	if (s[0] == '[') {
		const char *close = memchr(s, ']', len);
		if (!close)
			return "an IPv6 address in brackets needs its closing bracket";
		hlen = (size_t)(close - s - 1);
		if (hlen >= sizeof host)
			return "not an IP address";
		memcpy(host, s + 1, hlen);
		host[hlen] = '\0';
		v6 = 1;
		if (close + 1 < s + len) {
			if (close[1] != ':')
				return "after the brackets only :PORT may follow";
			colon = close + 1;
		}
	} else {
		const char *first = memchr(s, ':', len);
		if (first && memchr(first + 1, ':', (size_t)(s + len - first - 1))) {
			v6 = 1; /* a bare IPv6 address: no port */
			hlen = len;
		} else {
			colon = first;
			hlen = first ? (size_t)(first - s) : len;
		}
		if (hlen >= sizeof host)
			return "not an IP address";
		memcpy(host, s, hlen);
		host[hlen] = '\0';
	}
	if (inet_pton(v6 ? AF_INET6 : AF_INET, host, bin) != 1)
		return "not an IP address (a resolver is given by its address, not its name)";
	if (colon) {
		char *end;
		size_t plen = (size_t)(s + len - colon - 1);
		char num[8];
		if (plen == 0 || plen >= sizeof num)
			return "the port is not a number from 1 to 65535";
		memcpy(num, colon + 1, plen);
		num[plen] = '\0';
		port = strtoul(num, &end, 10);
		if (*end || num[0] < '0' || num[0] > '9' || port < 1 || port > 65535)
			return "the port is not a number from 1 to 65535";
	}
	if ((size_t)snprintf(out, size, v6 ? "[%s]:%lu" : "%s:%lu", host, port) >= size)
		return "not an IP address";
	return NULL;
}

/* The whole --resolver value (servers separated by commas) into c-ares's CSV. */
static const char *
resolver_csv(const char *value, char *out, size_t size)
{
	const char *p = value, *why;
	size_t used = 0;

	if (!*value)
		return "no server given";
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char item[80];
		if ((why = resolver_item(p, len, item, sizeof item)))
			return why;
		if (used + strlen(item) + 2 > size)
			return "too many servers";
		used += (size_t)snprintf(out + used, size - used, "%s%s", used ? "," : "", item);
		if (!comma)
			return NULL;
		p = comma + 1;
	}
}

const char *
probe_dns_check_resolver(const char *value)
{
	char csv[1024];

	return resolver_csv(value, csv, sizeof csv);
}

struct probe_dns *
probe_dns_new(const struct probe_options *opt, char *error, size_t size)
{
	struct probe_dns *dns = calloc(1, sizeof *dns);
	struct ares_options ao;
	int per_try = opt->timeout < 5 ? (int)(opt->timeout * 1000) : 5000, rc;

	if (!dns) {
		snprintf(error, size, "out of memory");
		return NULL;
	}
	memset(&ao, 0, sizeof ao);
	ao.timeout = per_try > 0 ? per_try : 1;
	ao.tries = 2;
	ao.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES;
	rc = ares_init_options(&dns->channel, &ao, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS);
	if (rc != ARES_SUCCESS) {
		snprintf(error, size, "setting up the resolver: %s", ares_strerror(rc));
		free(dns);
		return NULL;
	}
	if (opt->resolver) {
		char csv[1024];
		const char *why = resolver_csv(opt->resolver, csv, sizeof csv);
		if (why || (rc = ares_set_servers_ports_csv(dns->channel, csv)) != ARES_SUCCESS) {
			snprintf(error, size, "--resolver %s: %s", opt->resolver, why ? why : ares_strerror(rc));
			ares_destroy(dns->channel);
			free(dns);
			return NULL;
		}
	}
	/* c-ares retries each server `tries` times with growing timeouts; this
	 * bound only guards against a resolver library that never calls back. */
	dns->deadline_span = 8.0 * ao.timeout / 1000.0 * ao.tries + 5.0;
	return dns;
}

void
probe_dns_free(struct probe_dns *dns)
{
	if (!dns)
		return;
	ares_destroy(dns->channel);
	free(dns);
}

static void
on_answer(void *arg, int status, int timeouts, unsigned char *buf, int len)
{
	struct answer *a = arg;

	(void)timeouts;
	a->done = 1;
	a->status = status;
	if (status == ARES_SUCCESS && buf && len > 0 && (a->buf = malloc((size_t)len))) {
		memcpy(a->buf, buf, (size_t)len);
		a->len = len;
	}
}

/* ares_getsock()'s bits: socket i readable, and writable 16 bits up. Done
 * in unsigned arithmetic: c-ares's own macros shift 1 into an int's sign bit
 * for the last socket. */
static int
sock_readable(int bits, int i)
{
	return ((unsigned)bits >> i) & 1u;
}

static int
sock_writable(int bits, int i)
{
	return ((unsigned)bits >> (i + ARES_GETSOCK_MAXNUM)) & 1u;
}

/* Runs one query to its end: c-ares's sockets polled until it calls back. */
static void
query(struct probe_dns *dns, const char *name, int type, struct answer *a)
{
	double deadline = probe_monotonic() + dns->deadline_span;

	memset(a, 0, sizeof *a);
	ares_query(dns->channel, name, ns_c_in, type, on_answer, a);
	while (!a->done) {
		ares_socket_t socks[ARES_GETSOCK_MAXNUM];
		struct pollfd pfd[ARES_GETSOCK_MAXNUM];
		struct timeval tv, *tvp;
		int bits = ares_getsock(dns->channel, socks, ARES_GETSOCK_MAXNUM), n = 0, i, ms, r;

		for (i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
			if (!sock_readable(bits, i) && !sock_writable(bits, i))
				continue;
			pfd[n].fd = socks[i];
			pfd[n].events = (short)((sock_readable(bits, i) ? POLLIN : 0) | (sock_writable(bits, i) ? POLLOUT : 0));
			pfd[n].revents = 0;
			n++;
		}
		tvp = ares_timeout(dns->channel, NULL, &tv);
		ms = tvp ? (int)(tv.tv_sec * 1000 + tv.tv_usec / 1000) + 1 : 100;
		if (probe_monotonic() > deadline) {
			ares_cancel(dns->channel); /* calls back with ARES_ECANCELLED */
			break;
		}
		r = poll(pfd, (nfds_t)n, ms);
		if (r < 0 && errno != EINTR)
			break;
		for (i = 0; i < n; i++)
			if (pfd[i].revents)
				ares_process_fd(dns->channel,
				                pfd[i].revents & (POLLIN | POLLERR | POLLHUP) ? pfd[i].fd : ARES_SOCKET_BAD,
				                pfd[i].revents & POLLOUT ? pfd[i].fd : ARES_SOCKET_BAD);
		if (r <= 0)
			ares_process_fd(dns->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD); /* timeouts */
	}
	if (!a->done) {
		a->done = 1;
		a->status = ARES_ETIMEOUT;
	}
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
note(struct probe_domain *d, const char *fmt, ...)
{
	char buf[512];
	size_t old = d->dns_notes ? strlen(d->dns_notes) : 0, add;
	char *grown;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	add = strlen(buf);
	if (!(grown = realloc(d->dns_notes, old + add + 2)))
		return;
	d->dns_notes = grown;
	memcpy(grown + old, buf, add);
	grown[old + add] = '\n';
	grown[old + add + 1] = '\0';
}

/* Every address of the domain gets the same answer from the DNS. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static void
answer_all(struct probe_domain *d, const char *event, const char *codes, const char *fmt, ...)
{
	char buf[768];
	size_t i;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	for (i = 0; i < d->naddresses; i++)
		probe_outcome_event(&d->addresses[i]->answer, SMTPCODE_STAGE_RCPT, event, NULL, codes, "%s", buf);
}

/* A failed lookup in words. */
static const char *
dns_error(int status)
{
	switch (status) {
	case ARES_ENODATA: return "none";
	case ARES_ENOTFOUND: return "no such name (NXDOMAIN)";
	default: return ares_strerror(status);
	}
}

/* Is a failed lookup's status a passing one (try later) rather than an answer? */
static int
temporary(int status)
{
	return status != ARES_SUCCESS && status != ARES_ENOTFOUND && status != ARES_ENODATA;
}

/* The A then AAAA records of name into h (at most PROBE_MAX_HOST_ADDRS).
 * Returns the worst status: ARES_SUCCESS when an address was found. */
static int
host_addresses(struct probe_dns *dns, struct probe_domain *d, const char *name, struct probe_host *h)
{
	static const int types[2] = {ns_t_a, ns_t_aaaa};
	int status[2], t;

	for (t = 0; t < 2; t++) {
		struct answer a;
		query(dns, name, types[t], &a);
		status[t] = a.status;
		if (a.status == ARES_SUCCESS) {
			int n = PROBE_MAX_HOST_ADDRS, i;
			if (types[t] == ns_t_a) {
				struct ares_addrttl ttl[PROBE_MAX_HOST_ADDRS];
				status[t] = ares_parse_a_reply(a.buf, a.len, NULL, ttl, &n);
				for (i = 0; status[t] == ARES_SUCCESS && i < n && h->naddrs < PROBE_MAX_HOST_ADDRS; i++) {
					struct sockaddr_in *sin = (struct sockaddr_in *)&h->addrs[h->naddrs];
					memset(sin, 0, sizeof *sin);
					sin->sin_family = AF_INET;
					sin->sin_addr = ttl[i].ipaddr;
					h->lens[h->naddrs++] = sizeof *sin;
				}
			} else {
				struct ares_addr6ttl ttl[PROBE_MAX_HOST_ADDRS];
				status[t] = ares_parse_aaaa_reply(a.buf, a.len, NULL, ttl, &n);
				for (i = 0; status[t] == ARES_SUCCESS && i < n && h->naddrs < PROBE_MAX_HOST_ADDRS; i++) {
					struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&h->addrs[h->naddrs];
					memset(sin6, 0, sizeof *sin6);
					sin6->sin6_family = AF_INET6;
					memcpy(&sin6->sin6_addr, &ttl[i].ip6addr, sizeof sin6->sin6_addr);
					h->lens[h->naddrs++] = sizeof *sin6;
				}
			}
		}
		free(a.buf);
		if (status[t] != ARES_SUCCESS)
			note(d, "%s %s: %s", name, types[t] == ns_t_a ? "A" : "AAAA", dns_error(status[t]));
	}
	for (t = 0; t < (int)h->naddrs; t++) {
		char text[INET6_ADDRSTRLEN];
		const void *ip = h->addrs[t].ss_family == AF_INET
		                         ? (const void *)&((struct sockaddr_in *)&h->addrs[t])->sin_addr
		                         : (const void *)&((struct sockaddr_in6 *)&h->addrs[t])->sin6_addr;
		inet_ntop(h->addrs[t].ss_family, ip, text, sizeof text);
		note(d, "%s %s %s", name, h->addrs[t].ss_family == AF_INET ? "A" : "AAAA", text);
	}
	if (h->naddrs)
		return ARES_SUCCESS;
	if (temporary(status[0]))
		return status[0];
	if (temporary(status[1]))
		return status[1];
	return status[0] == ARES_ENOTFOUND || status[1] == ARES_ENOTFOUND ? ARES_ENOTFOUND : ARES_ENODATA;
}

/* The domain's own name as its only host (RFC 5321 5.1: no MX, an implicit one). */
static int
implicit_mx(struct probe_dns *dns, struct probe_domain *d)
{
	struct probe_host *h = &d->hosts[0];
	int status;

	memset(h, 0, sizeof *h);
	snprintf(h->name, sizeof h->name, "%s", d->name);
	h->preference = -1;
	d->implicit_mx = 1;
	note(d, "%s MX: none; the domain's own address records stand in (RFC 5321 5.1)", d->name);
	status = host_addresses(dns, d, d->name, h);
	if (status == ARES_SUCCESS) {
		d->nhosts = 1;
		return 0;
	}
	if (temporary(status))
		answer_all(d, "dns-failure", "451 4.4.3", "the DNS lookup of %s failed (%s); try again later", d->name,
		           ares_strerror(status));
	else
		answer_all(d, "no-mail-host", "550 5.1.2", "%s has no MX, A or AAAA record: no host takes its mail",
		           d->name);
	return -1;
}

/* [192.0.2.1] or [IPv6:2001:db8::1]: that address, no DNS. */
static int
literal_host(struct probe_domain *d)
{
	struct probe_host *h = &d->hosts[0];
	char ip[64];
	size_t len = strlen(d->name);

	memset(h, 0, sizeof *h);
	snprintf(h->name, sizeof h->name, "%s", d->name);
	h->preference = -1;
	snprintf(ip, sizeof ip, "%.*s", (int)(len - 2), d->name + 1);
	if (strncmp(ip, "ipv6:", 5) == 0) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&h->addrs[0];
		sin6->sin6_family = AF_INET6;
		if (inet_pton(AF_INET6, ip + 5, &sin6->sin6_addr) != 1)
			return -1;
		h->lens[0] = sizeof *sin6;
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)&h->addrs[0];
		sin->sin_family = AF_INET;
		if (inet_pton(AF_INET, ip, &sin->sin_addr) != 1)
			return -1;
		h->lens[0] = sizeof *sin;
	}
	h->naddrs = 1;
	d->nhosts = 1;
	return 0;
}

struct mx {
	char *host;
	unsigned short preference;
	unsigned tie; /* random: equal preferences are tried in random order (RFC 5321 5.1) */
};

static int
mx_order(const void *a, const void *b)
{
	const struct mx *x = a, *y = b;

	if (x->preference != y->preference)
		return x->preference < y->preference ? -1 : 1;
	return x->tie < y->tie ? -1 : x->tie > y->tie;
}

int
probe_dns_route(struct probe_dns *dns, struct probe_domain *d)
{
	struct answer a;
	struct ares_mx_reply *list = NULL, *r;
	struct mx mx[64];
	size_t n = 0, i, null_mx = 0, unusable = 0;
	int status, temp = 0, nx = 0;

	d->nhosts = 0;
	if (d->literal) {
		note(d, "%s: an address literal, no DNS", d->name);
		return literal_host(d);
	}
	query(dns, d->name, ns_t_mx, &a);
	status = a.status;
	if (status == ARES_SUCCESS)
		status = ares_parse_mx_reply(a.buf, a.len, &list);
	free(a.buf);
	if (status == ARES_ENOTFOUND) {
		note(d, "%s MX: no such domain (NXDOMAIN)", d->name);
		answer_all(d, "nxdomain", "550 5.1.2", "%s: no such domain (the DNS answers NXDOMAIN)", d->name);
		return -1;
	}
	if (status == ARES_ENODATA)
		return implicit_mx(dns, d);
	if (status != ARES_SUCCESS) {
		note(d, "%s MX: %s", d->name, dns_error(status));
		answer_all(d, "dns-failure", "451 4.4.3", "the DNS lookup of the MX of %s failed (%s); try again later",
		           d->name, ares_strerror(status));
		return -1;
	}
	for (r = list; r && n < sizeof mx / sizeof mx[0]; r = r->next) {
		/* c-ares gives the root, a null MX's target, as "" */
		if (!r->host[0] || strcmp(r->host, ".") == 0) {
			note(d, "%s MX %u . (null MX)", d->name, r->priority);
			null_mx++;
			continue;
		}
		if (!probe_helo_valid(r->host) || r->host[0] == '[') {
			/* what a DNS server says is shown and connected to only when
			 * it is a host name: no control bytes reach a terminal */
			char shown[300];
			safe_copy(shown, sizeof shown, r->host, strlen(r->host));
			note(d, "%s MX %u %s: not a host name, not used", d->name, r->priority, shown);
			unusable++;
			continue;
		}
		mx[n].host = r->host;
		mx[n].preference = r->priority;
		if (getrandom(&mx[n].tie, sizeof mx[n].tie, 0) != (ssize_t)sizeof mx[n].tie)
			mx[n].tie = (unsigned)n;
		n++;
	}
	if (n == 0 && null_mx) {
		/* RFC 7505: the domain says it takes no mail */
		answer_all(d, "null-mx", "556 5.1.10",
		           "%s publishes a null MX (RFC 7505): the domain accepts no mail", d->name);
		ares_free_data(list);
		return -1;
	}
	if (n == 0 && unusable) {
		answer_all(d, "no-mx-address", "550 5.4.4", "no MX host of %s has a usable name (%zu tried)", d->name,
		           unusable);
		ares_free_data(list);
		return -1;
	}
	if (n == 0) {
		ares_free_data(list);
		return implicit_mx(dns, d);
	}
	if (null_mx)
		note(d, "%s: a null MX beside other MX records is a mistake; the others are used", d->name);
	qsort(mx, n, sizeof mx[0], mx_order);
	for (i = 0; i < n; i++) {
		note(d, "%s MX %u %s", d->name, mx[i].preference, mx[i].host);
		if (i >= PROBE_MAX_MX) {
			note(d, "%s: only the first %d MX hosts are tried", d->name, PROBE_MAX_MX);
			break;
		}
	}
	for (i = 0; i < n && i < PROBE_MAX_MX; i++) {
		struct probe_host *h = &d->hosts[d->nhosts];
		memset(h, 0, sizeof *h);
		snprintf(h->name, sizeof h->name, "%s", mx[i].host);
		h->preference = mx[i].preference;
		status = host_addresses(dns, d, mx[i].host, h);
		if (status == ARES_SUCCESS)
			d->nhosts++;
		else if (temporary(status))
			temp = status;
		else
			nx++;
	}
	ares_free_data(list);
	if (d->nhosts)
		return 0;
	if (temp)
		answer_all(d, "dns-failure", "451 4.4.3", "the addresses of the MX hosts of %s could not be looked up (%s)",
		           d->name, ares_strerror(temp));
	else
		answer_all(d, "no-mx-address", "550 5.4.4", "no MX host of %s has an address in the DNS (%d tried)",
		           d->name, nx);
	return -1;
}
