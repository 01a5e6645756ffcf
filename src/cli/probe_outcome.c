/* smtpcode probe: answers (a server's reply or the prober's own finding, classified by the library) and transcripts. */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probe.h"

static void *
xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size);

	if (!q) {
		fprintf(stderr, "smtpcode: out of memory\n");
		exit(3);
	}
	return q;
}

double
probe_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
probe_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
probe_outcome_free(struct probe_outcome *o)
{
	free(o->text);
	memset(o, 0, sizeof *o);
}

/* Copies text into *o and classifies its first `classified` bytes. */
static void
outcome(struct probe_outcome *o, const char *text, size_t len, size_t classified, enum smtpcode_stage stage,
        const char *event, struct probe_session *session)
{
	const char *host = session ? session->host : NULL;

	probe_outcome_free(o);
	o->text = xrealloc(NULL, len + 1);
	memcpy(o->text, text, len);
	o->text[len] = '\0';
	o->len = len;
	o->classified = classified;
	o->from_server = event == NULL;
	o->event = event;
	o->stage = stage;
	o->session = session;
	/* The library decides: reason, bounce type and verdict, with the stage
	 * known and the host that said it. Text with nothing to classify
	 * leaves reason unknown, which is the answer then. */
	if (smtpcode_classify(o->text, classified, stage, host, host ? strlen(host) : 0, &o->result) < 0 &&
	    o->result.reason == SMTPCODE_REASON_UNKNOWN)
		o->result.verdict = SMTPCODE_VERDICT_UNKNOWN;
}

void
probe_outcome_set(struct probe_outcome *o, const char *text, size_t len, enum smtpcode_stage stage,
                  struct probe_session *session)
{
	outcome(o, text, len, len, stage, NULL, session);
}

void
probe_outcome_event(struct probe_outcome *o, enum smtpcode_stage stage, const char *event,
                    struct probe_session *session, const char *codes, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n = snprintf(buf, sizeof buf, "%s ", codes);

	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
	va_end(ap);
	if (session) /* the transcript says it in words */
		probe_session_note(session, "%s", buf + n);
	outcome(o, buf, strlen(buf), strlen(codes), stage, event, session);
}

void
probe_outcome_copy(struct probe_outcome *to, const struct probe_outcome *from)
{
	if (to == from)
		return;
	if (!from->text) {
		probe_outcome_free(to);
		return;
	}
	outcome(to, from->text, from->len, from->classified, from->stage, from->event, from->session);
}

void
probe_session_line(struct probe_session *s, enum probe_dir dir, const char *text, size_t len)
{
	struct probe_line *l;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->lines = xrealloc(s->lines, s->cap * sizeof *s->lines);
	}
	l = &s->lines[s->n++];
	l->t = probe_now() - s->started;
	l->dir = dir;
	l->text = xrealloc(NULL, len + 1);
	memcpy(l->text, text, len);
	l->text[len] = '\0';
	l->len = len;
}

void
probe_session_note(struct probe_session *s, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	probe_session_line(s, PROBE_NOTE, buf, strlen(buf));
}

void
probe_session_free(struct probe_session *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->lines[i].text);
	free(s->lines);
	free(s);
}
