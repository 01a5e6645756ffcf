/* smtpcode probe: what its parts share (options, addresses, sessions, outcomes). */
#ifndef SMTPCODE_CLI_PROBE_H
#define SMTPCODE_CLI_PROBE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>

#include "smtpcode.h"

/* Bounds that keep one probe finite whatever the servers and the DNS do. */
#define PROBE_MAX_MX 5          /* MX hosts tried, in preference order */
#define PROBE_MAX_HOST_ADDRS 4  /* addresses kept per host */
#define PROBE_MAX_ATTEMPTS 6    /* connections per session attempt, over all hosts */
#define PROBE_LINE_MAX 4096     /* a reply line, CRLF included (RFC 5321 allows 512) */
#define PROBE_REPLY_MAX 65536   /* a whole multi-line reply */
#define PROBE_ADDRESS_MAX 254   /* RFC 5321's 256-octet path less its angle brackets */
#define PROBE_GREYLIST_MAX 3600 /* --greylist-wait, seconds */

enum probe_tls_mode { PROBE_TLS_TRY, PROBE_TLS_REQUIRE, PROBE_TLS_NEVER };

struct probe_options {
	const char *from;     /* envelope sender; "" for the null sender <> */
	const char *helo;     /* NULL: the host name, or the address literal of the connection */
	const char *resolver; /* NULL: the system's (/etc/resolv.conf) */
	enum probe_tls_mode tls;
	unsigned port;
	double connect_timeout, timeout, greylist_wait, host_delay;
	unsigned parallel, per_host, per_session;
	int catch_all; /* send the catch-all test RCPT */
	int json, verbose;
};

/* One line of a session's transcript. */
enum probe_dir { PROBE_SENT, PROBE_RECEIVED, PROBE_NOTE };

struct probe_line {
	double t; /* seconds since the session started */
	enum probe_dir dir;
	char *text; /* as sent or received, line breaks between the lines of a reply */
	size_t len;
};

/* One connection to one address of one host, from connect to close. */
struct probe_session {
	char host[256];  /* the MX host name, or the literal's address */
	char addr[64];   /* the address connected to, as text */
	unsigned port;
	int preference;  /* the MX preference; -1 for an implicit MX (A/AAAA) or a literal */
	double started;  /* wall clock, seconds since the epoch */
	double ended;
	int tls;         /* STARTTLS completed */
	char tls_version[32], tls_cipher[80], tls_peer[256], tls_verify_error[160];
	int tls_verified;
	struct probe_line *lines;
	size_t n, cap;
};

/* What decided an answer: a server's reply, or the prober's own finding
 * (DNS, a connection that failed, a server that broke the protocol) put in
 * the standard codes (RFC 3463) and classified the same way. */
struct probe_outcome {
	char *text;      /* the reply, or the prober's codes and words; NULL when nothing is known yet */
	size_t len;
	size_t classified; /* the bytes of text classified: all of a reply; of a finding only its
	                      codes, so that the prober's own words cannot sway the library */
	int from_server; /* 1: a server's reply; 0: the prober's own words */
	const char *event; /* the prober's finding ("timeout", "nxdomain", ...), NULL for a reply */
	enum smtpcode_stage stage;
	struct probe_session *session; /* where it was said; NULL for DNS and syntax */
	struct smtpcode_result result; /* spans into text */
};

struct probe_domain;

struct probe_address {
	const char *input; /* as given */
	size_t index;      /* its place in the input, for output in order */
	char *address;     /* as sent in RCPT TO: local part @ domain */
	size_t at;         /* where the @ is in address */
	int utf8;          /* a non-ASCII local part: needs SMTPUTF8 */
	struct probe_domain *domain;
	struct probe_outcome answer;     /* the reply that decided */
	struct probe_outcome greylisted; /* the first reply when a greylisting was waited out */
	double waited;                   /* seconds waited before the retry */
	struct probe_session **sessions; /* every session it was part of (the domain owns them) */
	size_t nsessions;
	enum smtpcode_verdict verdict;   /* after the catch-all test */
	double started, ended;           /* wall clock */
	int done;
};

/* An MX host (or the domain itself, or an address literal) with the addresses found. */
struct probe_host {
	char name[256];
	int preference;
	size_t naddrs;
	struct sockaddr_storage addrs[PROBE_MAX_HOST_ADDRS];
	socklen_t lens[PROBE_MAX_HOST_ADDRS];
};

struct probe_domain {
	char *name; /* lower case, as looked up */
	struct probe_address **addresses;
	size_t naddresses;
	/* DNS */
	struct probe_host hosts[PROBE_MAX_MX];
	size_t nhosts;
	int implicit_mx; /* no MX: the domain's own A/AAAA */
	int literal;     /* an address literal: no DNS */
	char *dns_notes; /* what the lookups said, one note a line */
	/* the catch-all test */
	char catch_all_local[40];
	int catch_all; /* -1 not known, 0 no, 1 yes */
	struct probe_outcome catch_all_answer;
	/* every session, in the order they ran */
	struct probe_session **sessions;
	size_t nsessions;
};

/* probe_addr.c: RFC 5321 syntax of an address. Returns NULL and fills
 * *at (the @'s index) and *utf8, or a sentence saying what is wrong. */
const char *probe_address_check(const char *s, size_t len, size_t *at, int *utf8);
/* Is s[0..len) a host name (letters, digits, hyphens, dots) or an address literal? */
int probe_helo_valid(const char *s);

/* probe_outcome.c */
/* A server's reply text[0..len) (copied), classified at stage, into *o. */
void probe_outcome_set(struct probe_outcome *o, const char *text, size_t len, enum smtpcode_stage stage,
                       struct probe_session *session);
/* The prober's own finding as a reply with its standard code: "421 4.4.2 " + the words. */
#if defined(__GNUC__)
__attribute__((format(printf, 6, 7)))
#endif
void probe_outcome_event(struct probe_outcome *o, enum smtpcode_stage stage, const char *event,
                         struct probe_session *session, const char *codes, const char *fmt, ...);
void probe_outcome_copy(struct probe_outcome *to, const struct probe_outcome *from);
void probe_outcome_free(struct probe_outcome *o);

/* Transcript lines: text copied; each call notes the time. */
void probe_session_line(struct probe_session *s, enum probe_dir dir, const char *text, size_t len);
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void probe_session_note(struct probe_session *s, const char *fmt, ...);
void probe_session_free(struct probe_session *s);
double probe_now(void); /* wall clock, seconds */
double probe_monotonic(void);

/* probe_dns.c: fills d->hosts from the MX records (or the A/AAAA records,
 * or the literal), or sets the outcome of every address of the domain.
 * Returns 0 when there are hosts to try. */
struct probe_dns;
struct probe_dns *probe_dns_new(const struct probe_options *opt, char *error, size_t size);
void probe_dns_free(struct probe_dns *dns);
int probe_dns_route(struct probe_dns *dns, struct probe_domain *d);
/* Checks a --resolver value; returns NULL or what is wrong with it. */
const char *probe_dns_check_resolver(const char *value);
/* One-time set-up and tear-down of the resolver library. */
int probe_dns_library_init(void);
void probe_dns_library_cleanup(void);

/* probe_route.c: the sessions of one domain (MX in order, per-host limits
 * and delays, the greylisting retry). */
struct probe_hosts; /* per-host connection counts and last session times, shared by all workers */
struct probe_hosts *probe_hosts_new(void);
void probe_hosts_free(struct probe_hosts *h);
struct probe_tls;
void probe_route_domain(const struct probe_options *opt, struct probe_hosts *hosts, struct probe_tls *tls,
                        struct probe_dns *dns, struct probe_domain *d);
/* An address as text: 192.0.2.1, 2001:db8::1. */
void probe_sockaddr_text(const struct sockaddr_storage *ss, char *buf, size_t size);

/* probe_smtp.c: one SMTP session with one address of one host; the TLS
 * context (probe_net.c) is shared by all sessions. */
struct probe_tls *probe_tls_new(char *error, size_t size);
void probe_tls_free(struct probe_tls *t);

enum probe_session_end {
	PROBE_SESSION_ANSWERED, /* every address of the batch has an answer from this server */
	PROBE_SESSION_NEXT,     /* try the next address or host: the answer (if any) is provisional */
	PROBE_SESSION_NO_TLS    /* the TLS handshake failed under --tls=try: connect again without it */
};

struct probe_batch {
	struct probe_address **addresses;
	size_t n;
	int catch_all_wanted; /* send the catch-all RCPT when an address is accepted */
	int use_tls;          /* 0 after a failed handshake under --tls=try */
	size_t rest;          /* after the session: addresses from here on were not asked (too many
	                         recipients for the server), b->n when all were */
	struct probe_outcome failure; /* why the session did not answer (PROBE_SESSION_NEXT) */
};

enum probe_session_end probe_smtp_session(const struct probe_options *opt, struct probe_tls *tls,
                                          struct probe_domain *d, const struct probe_host *host, size_t addr,
                                          struct probe_batch *b, struct probe_session *s);

/* probe_out.c */
struct style;
void probe_print_text(FILE *out, const struct style *st, const struct probe_options *opt,
                      const struct probe_address *a);
void probe_print_json(FILE *out, const struct probe_options *opt, const struct probe_address *a);

#endif
