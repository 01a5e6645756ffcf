/* smtpcode probe: the sessions of one domain: MX hosts in order, per-host limits and delays, the greylisting retry. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "probe.h"

/* One server address: how many sessions it has now and when the last one
 * started or ended, so that no host gets more than --per-host connections
 * at once or two sessions closer than --host-delay. */
struct slot {
	char key[80];
	unsigned active;
	double last; /* probe_monotonic() of the last start or end; 0 for never */
	struct slot *next;
};

struct probe_hosts {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct slot *slots;
};

struct probe_hosts *
probe_hosts_new(void)
{
	struct probe_hosts *h = calloc(1, sizeof *h);
	pthread_condattr_t attr;

	if (!h)
		return NULL;
	pthread_mutex_init(&h->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&h->changed, &attr);
	pthread_condattr_destroy(&attr);
	return h;
}

void
probe_hosts_free(struct probe_hosts *h)
{
	struct slot *s, *next;

	if (!h)
		return;
	for (s = h->slots; s; s = next) {
		next = s->next;
		free(s);
	}
	pthread_cond_destroy(&h->changed);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

static struct slot *
slot_find(struct probe_hosts *h, const char *key)
{
	struct slot *s;

	for (s = h->slots; s; s = s->next)
		if (strcmp(s->key, key) == 0)
			return s;
	if (!(s = calloc(1, sizeof *s))) {
		fprintf(stderr, "smtpcode: out of memory\n");
		exit(3);
	}
	snprintf(s->key, sizeof s->key, "%s", key);
	s->next = h->slots;
	h->slots = s;
	return s;
}

/* Waits for a free connection to key and the delay since the last session. */
static void
slot_acquire(struct probe_hosts *h, const struct probe_options *opt, const char *key)
{
	struct slot *s;

	pthread_mutex_lock(&h->lock);
	s = slot_find(h, key);
	for (;;) {
		double now = probe_monotonic(), ready = s->last > 0 ? s->last + opt->host_delay : 0;
		if (s->active < opt->per_host && now >= ready)
			break;
		if (s->active >= opt->per_host) {
			pthread_cond_wait(&h->changed, &h->lock);
		} else {
			struct timespec ts;
			ts.tv_sec = (time_t)ready;
			ts.tv_nsec = (long)((ready - (double)ts.tv_sec) * 1e9);
			pthread_cond_timedwait(&h->changed, &h->lock, &ts);
		}
	}
	s->active++;
	s->last = probe_monotonic();
	pthread_mutex_unlock(&h->lock);
}

static void
slot_release(struct probe_hosts *h, const char *key)
{
	struct slot *s;

	pthread_mutex_lock(&h->lock);
	s = slot_find(h, key);
	s->active--;
	s->last = probe_monotonic();
	pthread_cond_broadcast(&h->changed);
	pthread_mutex_unlock(&h->lock);
}

static void *
grow(void *p, size_t count, size_t size)
{
	void *q = realloc(p, count * size);

	if (!q) {
		fprintf(stderr, "smtpcode: out of memory\n");
		exit(3);
	}
	return q;
}

static struct probe_session *
new_session(struct probe_domain *d, struct probe_batch *b)
{
	struct probe_session *s = calloc(1, sizeof *s);
	size_t i;

	if (!s) {
		fprintf(stderr, "smtpcode: out of memory\n");
		exit(3);
	}
	d->sessions = grow(d->sessions, d->nsessions + 1, sizeof *d->sessions);
	d->sessions[d->nsessions++] = s;
	for (i = 0; i < b->n; i++) {
		struct probe_address *a = b->addresses[i];
		a->sessions = grow(a->sessions, a->nsessions + 1, sizeof *a->sessions);
		a->sessions[a->nsessions++] = s;
	}
	return s;
}

/* One try of a batch at one address of one host; returns how it ended. */
static enum probe_session_end
attempt(const struct probe_options *opt, struct probe_hosts *hosts, struct probe_tls *tls, struct probe_domain *d,
        size_t h, size_t i, struct probe_batch *b)
{
	struct probe_session *s = new_session(d, b);
	char key[80];
	enum probe_session_end end;

	probe_sockaddr_text(&d->hosts[h].addrs[i], key, sizeof key);
	slot_acquire(hosts, opt, key);
	end = probe_smtp_session(opt, tls, d, &d->hosts[h], i, b, s);
	slot_release(hosts, key);
	return end;
}

/* The batch through the hosts in preference order (the one of `first`, a
 * session that greylisted it, before the others) until one answers. When
 * none does, every address gets the last failure, a server's reply before
 * the prober's own finding. */
static void
deliver(const struct probe_options *opt, struct probe_hosts *hosts, struct probe_tls *tls, struct probe_domain *d,
        struct probe_batch *b, const struct probe_session *first)
{
	struct probe_outcome last = {0};
	size_t h, i, tries = 0;
	int pass;

	for (pass = first ? 0 : 1; pass < 2; pass++) {
		for (h = 0; h < d->nhosts; h++) {
			for (i = 0; i < d->hosts[h].naddrs && i < 2; i++) {
				char ip[64];
				enum probe_session_end end;
				probe_sockaddr_text(&d->hosts[h].addrs[i], ip, sizeof ip);
				/* pass 0: only the host that greylisted; pass 1: the others in order */
				if (first && (pass == 0) != (strcmp(ip, first->addr) == 0 && strcmp(d->hosts[h].name, first->host) == 0))
					continue;
				if (tries >= PROBE_MAX_ATTEMPTS)
					goto failed;
				b->use_tls = 1;
				do {
					tries++;
					end = attempt(opt, hosts, tls, d, h, i, b);
					if (end == PROBE_SESSION_NO_TLS)
						b->use_tls = 0; /* once, without STARTTLS (RFC 7435: opportunistic) */
				} while (end == PROBE_SESSION_NO_TLS && tries < PROBE_MAX_ATTEMPTS);
				if (end == PROBE_SESSION_ANSWERED) {
					probe_outcome_free(&last);
					probe_outcome_free(&b->failure);
					return;
				}
				if (b->failure.text && (b->failure.from_server || !last.from_server))
					probe_outcome_copy(&last, &b->failure);
			}
		}
	}
failed:
	for (i = 0; i < b->n; i++)
		probe_outcome_copy(&b->addresses[i]->answer, &last);
	probe_outcome_free(&last);
	probe_outcome_free(&b->failure);
}

/* The addresses in batches of --per-session, each batch one session. */
static void
deliver_all(const struct probe_options *opt, struct probe_hosts *hosts, struct probe_tls *tls, struct probe_domain *d,
            struct probe_address **list, size_t n, const struct probe_session *first)
{
	size_t start;

	for (start = 0; start < n;) {
		struct probe_batch b;
		memset(&b, 0, sizeof b);
		b.addresses = list + start;
		b.n = n - start < opt->per_session ? n - start : opt->per_session;
		b.rest = b.n;
		/* once the domain's answer is known, later sessions need not ask again */
		b.catch_all_wanted = opt->catch_all && d->catch_all == -1 && !d->catch_all_answer.text;
		deliver(opt, hosts, tls, d, &b, first);
		start += b.rest; /* a server that took fewer recipients gets the rest next */
	}
}

static int
greylisted(const struct probe_outcome *o)
{
	return o->text && o->result.reason == SMTPCODE_REASON_GREYLISTED && o->result.reply.code / 100 == 4;
}

/* A local part that no one has: the catch-all test's. */
static void
catch_all_local(struct probe_domain *d)
{
	static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char r[12];
	size_t i;

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		for (i = 0; i < sizeof r; i++)
			r[i] = (unsigned char)(probe_now() * 1000 + (double)i * 37);
	memcpy(d->catch_all_local, "smtpcode-probe-", 15);
	for (i = 0; i < sizeof r; i++)
		d->catch_all_local[15 + i] = digits[r[i] % 36];
	d->catch_all_local[15 + sizeof r] = '\0';
}

/* Sleeps seconds, whatever signals come. */
static void
pause_for(double seconds)
{
	struct timespec ts;

	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

void
probe_route_domain(const struct probe_options *opt, struct probe_hosts *hosts, struct probe_tls *tls,
                   struct probe_dns *dns, struct probe_domain *d)
{
	struct probe_address **retry;
	const struct probe_session *where = NULL;
	size_t i, n = 0;
	double last_end = 0;

	d->catch_all = -1;
	catch_all_local(d);
	if (probe_dns_route(dns, d) == 0)
		deliver_all(opt, hosts, tls, d, d->addresses, d->naddresses, NULL);

	/* Greylisting (a 4xx that says so): wait, then ask the same server again
	 * with the same sender, as a real MTA would. The catch-all test is asked
	 * again too when it was greylisted, along with the addresses accepted. */
	if (opt->greylist_wait > 0 && (retry = calloc(d->naddresses ? d->naddresses : 1, sizeof *retry))) {
		int catch_all_again = greylisted(&d->catch_all_answer);
		for (i = 0; i < d->naddresses; i++) {
			struct probe_address *a = d->addresses[i];
			int grey = greylisted(&a->answer);
			if (grey || (catch_all_again && a->answer.from_server && a->answer.result.reply.code / 100 == 2)) {
				if (grey) {
					probe_outcome_copy(&a->greylisted, &a->answer);
					a->waited = opt->greylist_wait;
					if (!where)
						where = a->answer.session;
				}
				retry[n++] = a;
			}
		}
		for (i = 0; i < d->nsessions; i++)
			if (d->sessions[i]->ended > last_end)
				last_end = d->sessions[i]->ended;
		if (n) {
			double left = last_end + opt->greylist_wait - probe_now();
			if (catch_all_again) {
				d->catch_all = -1;
				probe_outcome_free(&d->catch_all_answer);
			}
			if (left > 0)
				pause_for(left);
			deliver_all(opt, hosts, tls, d, retry, n, where);
		}
		free(retry);
	}

	for (i = 0; i < d->naddresses; i++) {
		struct probe_address *a = d->addresses[i];
		a->verdict = a->answer.text ? a->answer.result.verdict : SMTPCODE_VERDICT_UNKNOWN;
		/* a domain that accepts anything: its 250 proves nothing */
		if (d->catch_all == 1 && a->verdict == SMTPCODE_VERDICT_DELIVERABLE)
			a->verdict = SMTPCODE_VERDICT_RISKY;
	}
}
