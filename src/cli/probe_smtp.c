/* smtpcode probe: one SMTP session: greeting, EHLO, STARTTLS, MAIL FROM, RCPT TO, RSET, QUIT; never DATA. */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probe_net.h"

/* What the session needs while it runs. */
struct dialogue {
	const struct probe_options *opt;
	struct probe_conn conn;
	struct probe_session *s;
	char *reply; /* the last reply, PROBE_REPLY_MAX bytes */
	size_t len;
	unsigned code;
	int io;      /* the last enum probe_io */
};

/* Sends a command and reads its reply before the per-command timeout. */
static int
command(struct dialogue *g, const char *line)
{
	double deadline = probe_monotonic() + g->opt->timeout;

	probe_session_line(g->s, PROBE_SENT, line, strlen(line));
	g->io = probe_conn_send(&g->conn, line, deadline);
	if (g->io == PROBE_IO_OK)
		g->io = probe_conn_reply(&g->conn, g->reply, PROBE_REPLY_MAX, &g->len, &g->code, deadline);
	if (g->io == PROBE_IO_OK)
		probe_session_line(g->s, PROBE_RECEIVED, g->reply, g->len);
	return g->io;
}

static int
greeting(struct dialogue *g)
{
	g->io = probe_conn_reply(&g->conn, g->reply, PROBE_REPLY_MAX, &g->len, &g->code,
	                         probe_monotonic() + g->opt->timeout);
	if (g->io == PROBE_IO_OK)
		probe_session_line(g->s, PROBE_RECEIVED, g->reply, g->len);
	return g->io;
}

/* What went wrong with the last exchange, as the prober's own finding with
 * its standard code (RFC 3463): X.4.1 no answer, X.4.2 a bad connection,
 * X.5.0 a protocol error, X.7.5 a TLS failure. */
static void
io_failure(struct dialogue *g, struct probe_outcome *o, enum smtpcode_stage stage, const char *waiting_for)
{
	const char *host = g->s->host;

	switch (g->io) {
	case PROBE_IO_TIMEOUT:
		probe_outcome_event(o, stage, "timeout", g->s, "421 4.4.2", "no reply from %s within %g s (waiting for %s)",
		                    host, g->opt->timeout, waiting_for);
		break;
	case PROBE_IO_CLOSED:
		probe_outcome_event(o, stage, "connection-closed", g->s, "421 4.4.2",
		                    "%s closed the connection (waiting for %s)", host, waiting_for);
		break;
	case PROBE_IO_PROTOCOL:
		probe_outcome_event(o, stage, "protocol-error", g->s, "421 4.5.0",
		                    "%s broke the SMTP protocol: %s (waiting for %s)", host, g->conn.why, waiting_for);
		break;
	default:
		probe_outcome_event(o, stage, "io-error", g->s, "421 4.4.2", "the connection to %s failed: %s (%s)", host,
		                    g->conn.why, waiting_for);
		break;
	}
}

/* The server's reply as the answer. */
static void
server_says(struct dialogue *g, struct probe_outcome *o, enum smtpcode_stage stage)
{
	probe_outcome_set(o, g->reply, g->len, stage, g->s);
}

/* QUIT, politely and briefly; its answer changes nothing. */
static void
quit(struct dialogue *g)
{
	double deadline = probe_monotonic() + (g->opt->timeout < 5 ? g->opt->timeout : 5);

	probe_session_line(g->s, PROBE_SENT, "QUIT", 4);
	if (probe_conn_send(&g->conn, "QUIT", deadline) == PROBE_IO_OK &&
	    probe_conn_reply(&g->conn, g->reply, PROBE_REPLY_MAX, &g->len, &g->code, deadline) == PROBE_IO_OK)
		probe_session_line(g->s, PROBE_RECEIVED, g->reply, g->len);
}

/* Does the EHLO reply announce keyword (a line "250-KEYWORD ..." or "250 KEYWORD")? */
static int
offers(const struct dialogue *g, const char *keyword)
{
	const char *p = g->reply, *end = g->reply + g->len;
	size_t k = strlen(keyword);
	int first = 1;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		/* the first line is the greeting's host name, not a keyword */
		if (!first && line_end - p >= (long)(4 + k) && strncasecmp(p + 4, keyword, k) == 0 &&
		    (p + 4 + k == line_end || p[4 + k] == ' '))
			return 1;
		first = 0;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* EHLO, and HELO when EHLO is not understood (RFC 5321 4.1.4). Returns the
 * final code's class, or 0 on an I/O failure. */
static int
hello(struct dialogue *g, const char *name, int *extended)
{
	char line[300];

	snprintf(line, sizeof line, "EHLO %s", name);
	*extended = 1;
	if (command(g, line) != PROBE_IO_OK)
		return 0;
	if (g->code >= 500 && g->code <= 504) {
		*extended = 0;
		snprintf(line, sizeof line, "HELO %s", name);
		if (command(g, line) != PROBE_IO_OK)
			return 0;
	}
	return (int)(g->code / 100);
}

static int
accepted(const struct probe_outcome *o)
{
	return o->from_server && o->result.reply.code >= 250 && o->result.reply.code <= 251;
}

/* Every address of the batch gets the same answer. */
static void
answer_batch(struct probe_batch *b, const struct probe_outcome *o)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		probe_outcome_copy(&b->addresses[i]->answer, o);
}

/* The session after the greeting: EHLO, TLS, MAIL FROM, the recipients. */
static enum probe_session_end
converse(struct dialogue *g, struct probe_tls *tls, struct probe_domain *d, const struct probe_host *host,
         struct probe_batch *b)
{
	const struct probe_options *opt = g->opt;
	struct probe_session *s = g->s;
	char helo[300], line[PROBE_ADDRESS_MAX + 64];
	int cls, extended, need_utf8 = 0, any_accepted = 0;
	size_t i;

	if (opt->helo)
		snprintf(helo, sizeof helo, "%s", opt->helo);
	else
		probe_conn_literal(&g->conn, helo, sizeof helo);
	if ((cls = hello(g, helo, &extended)) == 0) {
		io_failure(g, &b->failure, SMTPCODE_STAGE_EHLO, "the reply to EHLO");
		return PROBE_SESSION_NEXT;
	}
	if (cls != 2) {
		server_says(g, &b->failure, SMTPCODE_STAGE_EHLO);
		if (g->code != 421)
			quit(g);
		if (cls == 5) { /* the prober is refused: another host of the domain would say the same */
			answer_batch(b, &b->failure);
			return PROBE_SESSION_ANSWERED;
		}
		return PROBE_SESSION_NEXT;
	}

	if (opt->tls != PROBE_TLS_NEVER && b->use_tls && extended && offers(g, "STARTTLS")) {
		if (command(g, "STARTTLS") != PROBE_IO_OK) {
			io_failure(g, &b->failure, SMTPCODE_STAGE_EHLO, "the reply to STARTTLS");
			return PROBE_SESSION_NEXT;
		}
		if (g->code == 220) {
			double deadline = probe_monotonic() + opt->timeout;
			struct in6_addr ip6;
			struct in_addr ip4;
			/* SNI and the name check want a name, not an address */
			int named = host->name[0] != '[' &&
			            inet_pton(AF_INET, host->name, &ip4) != 1 && inet_pton(AF_INET6, host->name, &ip6) != 1;
			probe_session_note(s, "TLS handshake");
			g->io = probe_conn_starttls(&g->conn, tls, named ? host->name : NULL, deadline, s);
			if (g->io != PROBE_IO_OK) {
				if (opt->tls == PROBE_TLS_TRY) {
					probe_session_note(s, "the TLS handshake failed (%s); connecting again without TLS",
					                   g->conn.why);
					return PROBE_SESSION_NO_TLS;
				}
				probe_outcome_event(&b->failure, SMTPCODE_STAGE_EHLO, "tls-failed", s, "421 4.7.5",
				                    "the TLS handshake with %s failed: %s", s->host, g->conn.why);
				return PROBE_SESSION_NEXT;
			}
			probe_session_note(s, "TLS established: %s %s, certificate %s%s", s->tls_version, s->tls_cipher,
			                   s->tls_verified ? "verified" : "not verified: ",
			                   s->tls_verified ? "" : s->tls_verify_error);
			/* RFC 3207 4.2: what was learnt before TLS is forgotten */
			if ((cls = hello(g, helo, &extended)) == 0) {
				io_failure(g, &b->failure, SMTPCODE_STAGE_EHLO, "the reply to EHLO after STARTTLS");
				return PROBE_SESSION_NEXT;
			}
			if (cls != 2) {
				server_says(g, &b->failure, SMTPCODE_STAGE_EHLO);
				quit(g);
				return PROBE_SESSION_NEXT;
			}
		} else if (opt->tls == PROBE_TLS_REQUIRE) {
			server_says(g, &b->failure, SMTPCODE_STAGE_EHLO);
			quit(g);
			return PROBE_SESSION_NEXT;
		} else {
			probe_session_note(s, "STARTTLS refused; going on without TLS (RFC 3207 4)");
		}
	} else if (opt->tls == PROBE_TLS_REQUIRE) {
		probe_outcome_event(&b->failure, SMTPCODE_STAGE_EHLO, "no-starttls", s, "530 5.7.10",
		                    "%s does not offer STARTTLS, and --tls=require was given", s->host);
		quit(g);
		return PROBE_SESSION_NEXT;
	}

	for (i = 0; i < b->n; i++)
		need_utf8 |= b->addresses[i]->utf8;
	if (need_utf8 && !(extended && offers(g, "SMTPUTF8")))
		need_utf8 = -1; /* those addresses cannot be sent; the others can */

	snprintf(line, sizeof line, "MAIL FROM:<%s>%s", opt->from, need_utf8 == 1 ? " SMTPUTF8" : "");
	if (command(g, line) != PROBE_IO_OK) {
		io_failure(g, &b->failure, SMTPCODE_STAGE_MAIL, "the reply to MAIL FROM");
		return PROBE_SESSION_NEXT;
	}
	if (g->code / 100 != 2) {
		server_says(g, &b->failure, SMTPCODE_STAGE_MAIL);
		if (g->code != 421)
			quit(g);
		if (g->code / 100 == 5) { /* the sender or the prober is refused: final */
			answer_batch(b, &b->failure);
			return PROBE_SESSION_ANSWERED;
		}
		return PROBE_SESSION_NEXT;
	}

	for (i = 0; i < b->n; i++) {
		struct probe_address *a = b->addresses[i];
		if (a->utf8 && need_utf8 == -1) {
			probe_outcome_event(&a->answer, SMTPCODE_STAGE_RCPT, "no-smtputf8", s, "553 5.6.7",
			                    "%s does not offer SMTPUTF8, which a non-ASCII address needs (RFC 6531)", s->host);
			continue;
		}
		snprintf(line, sizeof line, "RCPT TO:<%s>", a->address);
		if (command(g, line) != PROBE_IO_OK) {
			/* this one and the rest get the failure: the session is over */
			struct probe_outcome o = {0};
			io_failure(g, &o, SMTPCODE_STAGE_RCPT, "the reply to RCPT TO");
			for (; i < b->n; i++)
				probe_outcome_copy(&b->addresses[i]->answer, &o);
			probe_outcome_free(&o);
			return PROBE_SESSION_ANSWERED;
		}
		server_says(g, &a->answer, SMTPCODE_STAGE_RCPT);
		if (i > 0 && g->code == 452 && a->answer.result.reason == SMTPCODE_REASON_RATE_LIMITED) {
			/* "too many recipients" (RFC 5321 4.5.3.1.10): the rest go in
			 * a session of their own, and so does the catch-all test */
			probe_session_note(s, "the server takes no more recipients in this session; the rest follow in "
			                      "another");
			probe_outcome_free(&a->answer);
			b->rest = i;
			break;
		}
		any_accepted |= accepted(&a->answer);
		if (g->code == 421) { /* closing: the rest get the same */
			for (i++; i < b->n; i++)
				probe_outcome_copy(&b->addresses[i]->answer, &a->answer);
			return PROBE_SESSION_ANSWERED;
		}
	}

	/* The catch-all test: a local part nobody has. A server that accepts it
	 * accepts anything, and its 250 for the others proves nothing. */
	if (b->catch_all_wanted && any_accepted && b->rest == b->n) {
		snprintf(line, sizeof line, "RCPT TO:<%s@%s>", d->catch_all_local,
		         b->addresses[0]->address + b->addresses[0]->at + 1);
		probe_session_note(s, "catch-all test: an address that should not exist");
		if (command(g, line) != PROBE_IO_OK) {
			io_failure(g, &d->catch_all_answer, SMTPCODE_STAGE_RCPT, "the reply to the catch-all test");
			d->catch_all = -1;
			return PROBE_SESSION_ANSWERED;
		}
		server_says(g, &d->catch_all_answer, SMTPCODE_STAGE_RCPT);
		d->catch_all = g->code / 100 == 2 ? 1 : g->code / 100 == 5 ? 0 : -1;
		if (g->code == 421)
			return PROBE_SESSION_ANSWERED;
	}

	if (command(g, "RSET") == PROBE_IO_OK && g->code != 421)
		quit(g);
	return PROBE_SESSION_ANSWERED;
}

enum probe_session_end
probe_smtp_session(const struct probe_options *opt, struct probe_tls *tls, struct probe_domain *d,
                   const struct probe_host *host, size_t addr, struct probe_batch *b, struct probe_session *s)
{
	struct dialogue g;
	struct sockaddr_storage to;
	enum probe_session_end end;
	int err;

	memset(&g, 0, sizeof g);
	g.opt = opt;
	g.s = s;
	snprintf(s->host, sizeof s->host, "%s", host->name);
	probe_sockaddr_text(&host->addrs[addr], s->addr, sizeof s->addr);
	s->port = opt->port;
	s->preference = host->preference;
	s->started = probe_now();

	memcpy(&to, &host->addrs[addr], host->lens[addr]);
	if (to.ss_family == AF_INET)
		((struct sockaddr_in *)&to)->sin_port = htons((unsigned short)opt->port);
	else
		((struct sockaddr_in6 *)&to)->sin6_port = htons((unsigned short)opt->port);
	probe_session_note(s, "connecting to %s [%s]:%u", s->host, s->addr, s->port);
	g.io = probe_conn_open(&g.conn, (const struct sockaddr *)&to, host->lens[addr],
	                       probe_monotonic() + opt->connect_timeout, &err);
	if (g.io != PROBE_IO_OK) {
		if (g.io == PROBE_IO_TIMEOUT)
			probe_outcome_event(&b->failure, SMTPCODE_STAGE_CONNECT, "connect-timeout", s, "421 4.4.1",
			                    "no answer from %s [%s]:%u within %g s", s->host, s->addr, s->port,
			                    opt->connect_timeout);
		else if (err == ECONNREFUSED)
			probe_outcome_event(&b->failure, SMTPCODE_STAGE_CONNECT, "connection-refused", s, "421 4.4.1",
			                    "%s [%s]:%u refused the connection", s->host, s->addr, s->port);
		else
			probe_outcome_event(&b->failure, SMTPCODE_STAGE_CONNECT, "unreachable", s, "421 4.4.1",
			                    "%s [%s]:%u cannot be reached: %s", s->host, s->addr, s->port, g.conn.why);
		probe_conn_close(&g.conn);
		s->ended = probe_now();
		return PROBE_SESSION_NEXT;
	}
	if (!(g.reply = malloc(PROBE_REPLY_MAX))) {
		fprintf(stderr, "smtpcode: out of memory\n");
		exit(3);
	}
	if (greeting(&g) != PROBE_IO_OK) {
		io_failure(&g, &b->failure, SMTPCODE_STAGE_CONNECT, "the greeting");
		end = PROBE_SESSION_NEXT;
	} else if (g.code / 100 != 2) {
		/* 421 busy or 554 no service here: another MX may serve (RFC 5321 3.1, 5.1) */
		server_says(&g, &b->failure, SMTPCODE_STAGE_CONNECT);
		if (g.code != 421)
			quit(&g);
		end = PROBE_SESSION_NEXT;
	} else {
		end = converse(&g, tls, d, host, b);
	}
	probe_conn_close(&g.conn);
	free(g.reply);
	s->ended = probe_now();
	return end;
}
