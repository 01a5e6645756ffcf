/* smtpcode probe: TCP connections and their TLS (OpenSSL); every wait is bounded by a deadline. */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe_net.h"

struct probe_tls {
	SSL_CTX *ctx;
};

struct probe_tls *
probe_tls_new(char *error, size_t size)
{
	struct probe_tls *t = calloc(1, sizeof *t);

	if (!t || !(t->ctx = SSL_CTX_new(TLS_client_method()))) {
		snprintf(error, size, "setting up TLS: %s", ERR_reason_error_string(ERR_get_error()));
		free(t);
		return NULL;
	}
	/* Opportunistic TLS (RFC 7435), as MTAs do between MX hosts: the
	 * certificate is checked and the result reported, but a bad one does
	 * not stop the probe. */
	SSL_CTX_set_verify(t->ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_default_verify_paths(t->ctx);
	return t;
}

void
probe_tls_free(struct probe_tls *t)
{
	if (!t)
		return;
	SSL_CTX_free(t->ctx);
	free(t);
}

/* Milliseconds to the deadline, 0 once it has passed. */
static int
remaining_ms(double deadline)
{
	double left = deadline - probe_monotonic();

	return left <= 0 ? 0 : left > 3600 ? 3600000 : (int)(left * 1000) + 1;
}

/* Waits until fd is ready for events. Returns 1, or 0 at the deadline. */
static int
wait_fd(int fd, short events, double deadline)
{
	struct pollfd p;
	int r;

	p.fd = fd;
	p.events = events;
	for (;;) {
		int ms = remaining_ms(deadline);
		if (ms == 0)
			return 0;
		p.revents = 0;
		r = poll(&p, 1, ms);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return 1; /* the call that follows reports the error */
	}
}

int
probe_conn_open(struct probe_conn *c, const struct sockaddr *sa, socklen_t len, double deadline, int *err)
{
	int e = 0;
	socklen_t elen = sizeof e;

	memset(c, 0, sizeof *c);
	*err = 0;
	c->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->fd < 0) {
		*err = errno;
		snprintf(c->why, sizeof c->why, "%s", strerror(errno));
		return PROBE_IO_ERROR;
	}
	if (connect(c->fd, sa, len) == 0)
		return PROBE_IO_OK;
	if (errno != EINPROGRESS) {
		*err = errno;
		snprintf(c->why, sizeof c->why, "%s", strerror(errno));
		return PROBE_IO_ERROR;
	}
	if (!wait_fd(c->fd, POLLOUT, deadline)) {
		snprintf(c->why, sizeof c->why, "no answer to the connection");
		return PROBE_IO_TIMEOUT;
	}
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &elen) != 0)
		e = errno;
	if (e) {
		*err = e;
		snprintf(c->why, sizeof c->why, "%s", strerror(e));
		return PROBE_IO_ERROR;
	}
	return PROBE_IO_OK;
}

void
probe_conn_close(struct probe_conn *c)
{
	if (c->ssl) {
		SSL_shutdown(c->ssl); /* the close_notify alert; no wait for the server's */
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* The last OpenSSL error, or the system's. */
static void
tls_why(struct probe_conn *c, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[160];

	if (e)
		ERR_error_string_n(e, buf, sizeof buf);
	else
		snprintf(buf, sizeof buf, "%s", errno ? strerror(errno) : "connection closed");
	snprintf(c->why, sizeof c->why, "%s: %s", what, buf);
	ERR_clear_error();
}

/* One step of an SSL call that may want the socket readable or writable
 * first: 1 to call again, 0 done, or an enum probe_io error. */
static int
tls_again(struct probe_conn *c, int ret, double deadline, const char *what)
{
	switch (SSL_get_error(c->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		return wait_fd(c->fd, POLLIN, deadline) ? 1 : PROBE_IO_TIMEOUT;
	case SSL_ERROR_WANT_WRITE:
		return wait_fd(c->fd, POLLOUT, deadline) ? 1 : PROBE_IO_TIMEOUT;
	case SSL_ERROR_ZERO_RETURN:
		return PROBE_IO_CLOSED;
	case SSL_ERROR_SYSCALL:
		if (ERR_peek_error() == 0 && (errno == 0 || errno == ECONNRESET || errno == EPIPE))
			return PROBE_IO_CLOSED;
		tls_why(c, what);
		return PROBE_IO_ERROR;
	default:
		tls_why(c, what);
		return PROBE_IO_ERROR;
	}
}

int
probe_conn_send(struct probe_conn *c, const char *line, double deadline)
{
	char buf[PROBE_LINE_MAX];
	size_t len = strlen(line), off = 0;

	if (len + 2 > sizeof buf) {
		snprintf(c->why, sizeof c->why, "a command longer than %d bytes", PROBE_LINE_MAX);
		return PROBE_IO_ERROR;
	}
	memcpy(buf, line, len);
	memcpy(buf + len, "\r\n", 2);
	len += 2;
	while (off < len) {
		if (c->ssl) {
			int r, again;
			ERR_clear_error();
			errno = 0;
			r = SSL_write(c->ssl, buf + off, (int)(len - off));
			if (r > 0) {
				off += (size_t)r;
				continue;
			}
			if ((again = tls_again(c, r, deadline, "TLS write")) != 1)
				return again;
		} else {
			ssize_t r = send(c->fd, buf + off, len - off, MSG_NOSIGNAL);
			if (r > 0) {
				off += (size_t)r;
				continue;
			}
			if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
				if (!wait_fd(c->fd, POLLOUT, deadline))
					return PROBE_IO_TIMEOUT;
				continue;
			}
			if (r < 0 && (errno == EPIPE || errno == ECONNRESET))
				return PROBE_IO_CLOSED;
			snprintf(c->why, sizeof c->why, "%s", strerror(errno));
			return PROBE_IO_ERROR;
		}
	}
	return PROBE_IO_OK;
}

/* More bytes into c->in. */
static int
fill(struct probe_conn *c, double deadline)
{
	for (;;) {
		if (c->ssl) {
			int r, again;
			ERR_clear_error();
			errno = 0;
			r = SSL_read(c->ssl, c->in + c->have, (int)(sizeof c->in - c->have));
			if (r > 0) {
				c->have += (size_t)r;
				return PROBE_IO_OK;
			}
			if ((again = tls_again(c, r, deadline, "TLS read")) != 1)
				return again;
		} else {
			ssize_t r = recv(c->fd, c->in + c->have, sizeof c->in - c->have, 0);
			if (r > 0) {
				c->have += (size_t)r;
				return PROBE_IO_OK;
			}
			if (r == 0)
				return PROBE_IO_CLOSED;
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
				if (!wait_fd(c->fd, POLLIN, deadline))
					return PROBE_IO_TIMEOUT;
				continue;
			}
			if (errno == ECONNRESET)
				return PROBE_IO_CLOSED;
			snprintf(c->why, sizeof c->why, "%s", strerror(errno));
			return PROBE_IO_ERROR;
		}
	}
}

int
probe_conn_reply(struct probe_conn *c, char *out, size_t cap, size_t *len, unsigned *code, double deadline)
{
	size_t used = 0;

	*len = 0;
	*code = 0;
	for (;;) {
		char *nl = memchr(c->in, '\n', c->have);
		size_t take, text;
		int rc, last;

		if (!nl) {
			if (c->have == sizeof c->in) {
				snprintf(c->why, sizeof c->why, "a reply line longer than %d bytes", PROBE_LINE_MAX);
				return PROBE_IO_PROTOCOL;
			}
			if ((rc = fill(c, deadline)) != PROBE_IO_OK)
				return rc;
			continue;
		}
		take = (size_t)(nl - c->in) + 1;
		text = take - 1;
		if (text && c->in[text - 1] == '\r')
			text--;
		if (text < 3 || c->in[0] < '2' || c->in[0] > '5' || c->in[1] < '0' || c->in[1] > '9' ||
		    c->in[2] < '0' || c->in[2] > '9' || (text > 3 && c->in[3] != ' ' && c->in[3] != '-')) {
			snprintf(c->why, sizeof c->why, "a reply line that does not start with a reply code");
			return PROBE_IO_PROTOCOL;
		}
		last = text == 3 || c->in[3] == ' ';
		if (used + text + 1 > cap) {
			snprintf(c->why, sizeof c->why, "a reply longer than %zu bytes", cap);
			return PROBE_IO_PROTOCOL;
		}
		if (used)
			out[used++] = '\n';
		memcpy(out + used, c->in, text);
		used += text;
		memmove(c->in, c->in + take, c->have - take);
		c->have -= take;
		if (last) {
			/* the last line's code counts (RFC 5321 4.2.1) */
			char *l = out + used - text;
			*code = (unsigned)((l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0'));
			*len = used;
			return PROBE_IO_OK;
		}
	}
}

void
probe_sockaddr_text(const struct sockaddr_storage *ss, char *buf, size_t size)
{
	const void *ip = ss->ss_family == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr
	                                           : (const void *)&((const struct sockaddr_in *)ss)->sin_addr;

	if (!inet_ntop(ss->ss_family, ip, buf, (socklen_t)size))
		snprintf(buf, size, "?");
}

void
probe_conn_literal(const struct probe_conn *c, char *buf, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	char ip[INET6_ADDRSTRLEN] = "";

	if (getsockname(c->fd, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET6) {
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, ip, sizeof ip);
			snprintf(buf, size, "[IPv6:%s]", ip);
			return;
		}
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, ip, sizeof ip);
	}
	snprintf(buf, size, "[%s]", *ip ? ip : "127.0.0.1");
}

int
probe_conn_starttls(struct probe_conn *c, struct probe_tls *tls, const char *sni, double deadline,
                    struct probe_session *s)
{
	SSL *ssl;
	X509 *peer;
	long verify;

	/* Bytes the server sent after its 220 came before TLS: they could be an
	 * attacker's, so they are dropped (RFC 3207 5). */
	c->have = 0;
	ERR_clear_error();
	if (!(ssl = SSL_new(tls->ctx)) || !SSL_set_fd(ssl, c->fd)) {
		tls_why(c, "TLS set-up");
		SSL_free(ssl);
		return PROBE_IO_ERROR;
	}
	c->ssl = ssl;
	if (sni) {
		SSL_set_tlsext_host_name(ssl, sni);
		SSL_set1_host(ssl, sni); /* checked with the certificate; reported, not enforced */
	}
	for (;;) {
		int r, again;
		ERR_clear_error();
		errno = 0;
		r = SSL_connect(ssl);
		if (r == 1)
			break;
		if ((again = tls_again(c, r, deadline, "TLS handshake")) != 1) {
			if (again == PROBE_IO_CLOSED)
				snprintf(c->why, sizeof c->why, "the server closed the connection during the TLS handshake");
			else if (again == PROBE_IO_TIMEOUT)
				snprintf(c->why, sizeof c->why, "the TLS handshake did not finish in time");
			SSL_free(ssl);
			c->ssl = NULL;
			return again == PROBE_IO_OK ? PROBE_IO_ERROR : again;
		}
	}
	s->tls = 1;
	snprintf(s->tls_version, sizeof s->tls_version, "%s", SSL_get_version(ssl));
	snprintf(s->tls_cipher, sizeof s->tls_cipher, "%s", SSL_get_cipher_name(ssl));
	if ((peer = SSL_get1_peer_certificate(ssl))) {
		X509_NAME_oneline(X509_get_subject_name(peer), s->tls_peer, (int)sizeof s->tls_peer);
		X509_free(peer);
	}
	verify = SSL_get_verify_result(ssl);
	s->tls_verified = verify == X509_V_OK && s->tls_peer[0];
	if (!s->tls_verified)
		snprintf(s->tls_verify_error, sizeof s->tls_verify_error, "%s",
		         s->tls_peer[0] ? X509_verify_cert_error_string(verify) : "no certificate");
	return PROBE_IO_OK;
}
