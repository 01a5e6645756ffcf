/* smtpcode probe: one TCP connection, plain or TLS (OpenSSL), with a deadline on every wait. */
#ifndef SMTPCODE_CLI_PROBE_NET_H
#define SMTPCODE_CLI_PROBE_NET_H

#include <stddef.h>
#include <sys/socket.h>

#include "probe.h"

enum probe_io {
	PROBE_IO_OK = 0,
	PROBE_IO_TIMEOUT = -1,  /* the deadline passed */
	PROBE_IO_CLOSED = -2,   /* the server closed the connection */
	PROBE_IO_PROTOCOL = -3, /* the server broke the protocol (why says how) */
	PROBE_IO_ERROR = -4     /* a system or TLS error (why says which) */
};

struct probe_conn {
	int fd;
	void *ssl; /* SSL *, when STARTTLS completed */
	size_t have;
	char in[PROBE_LINE_MAX];
	char why[200];
};

/* Connects to sa before the deadline (probe_monotonic() seconds). Returns
 * PROBE_IO_OK, PROBE_IO_TIMEOUT or PROBE_IO_ERROR with c->why (and *err the errno). */
int probe_conn_open(struct probe_conn *c, const struct sockaddr *sa, socklen_t len, double deadline, int *err);
void probe_conn_close(struct probe_conn *c);

/* Sends line and CRLF. */
int probe_conn_send(struct probe_conn *c, const char *line, double deadline);

/* Reads one whole reply (RFC 5321 4.2: lines of a 3-digit code and '-' up
 * to one with a space or nothing after the code) into out, its lines
 * separated by LF, without the last line break. A line is at most
 * PROBE_LINE_MAX bytes and the reply at most cap. */
int probe_conn_reply(struct probe_conn *c, char *out, size_t cap, size_t *len, unsigned *code, double deadline);

/* The local address of the connection as an address literal: [192.0.2.1], [IPv6:...]. */
void probe_conn_literal(const struct probe_conn *c, char *buf, size_t size);

/* TLS over the connection after the server's 220 to STARTTLS. sni is the
 * server's name (NULL for an address). Fills the session's TLS fields. */
int probe_conn_starttls(struct probe_conn *c, struct probe_tls *tls, const char *sni, double deadline,
                        struct probe_session *s);

#endif
