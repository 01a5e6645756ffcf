/* smtpcode probe: the answer for one address, as text for people or one JSON object. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "explain.h"
#include "json.h"
#include "probe.h"
#include "render.h"
#include "safe_text.h"

static const char *
stage_words(enum smtpcode_stage s)
{
	switch (s) {
	case SMTPCODE_STAGE_CONNECT: return "at connect";
	case SMTPCODE_STAGE_EHLO: return "at EHLO";
	case SMTPCODE_STAGE_MAIL: return "at MAIL FROM";
	case SMTPCODE_STAGE_RCPT: return "at RCPT TO";
	default: return "";
	}
}

/* The words of the prober's own finding: its text after the codes. */
static struct smtpcode_span
finding_words(const struct probe_outcome *o)
{
	struct smtpcode_span s;

	s.ptr = o->text + o->classified + 1;
	s.len = o->len - o->classified - 1;
	return s;
}

/* "user-unknown: 550 5.1.1 ... at RCPT TO" or, for the prober's finding,
 * "domain-not-found: no such domain ... (the prober's finding)". */
static void
describe(char *buf, size_t size, const struct probe_outcome *o)
{
	char text[400];
	struct smtpcode_span s = {o->text, o->len};

	if (o->from_server) {
		explain_escape(text, sizeof text, s, 300);
		snprintf(buf, size, "%s: %s %s", smtpcode_reason_name(o->result.reason), text, stage_words(o->stage));
	} else {
		explain_escape(text, sizeof text, finding_words(o), 300);
		snprintf(buf, size, "%s: %s", smtpcode_reason_name(o->result.reason), text);
	}
}

static const struct probe_session *
answering(const struct probe_address *a)
{
	return a->answer.session ? a->answer.session : a->nsessions ? a->sessions[a->nsessions - 1] : NULL;
}

static void
transcript(FILE *out, const struct style *st, const struct probe_session *s)
{
	size_t i;
	char head[400];

	snprintf(head, sizeof head, "%s [%s]:%u%s, %.3f s", s->host, s->addr, s->port, s->tls ? ", TLS" : "",
	         s->ended > s->started ? s->ended - s->started : 0.0);
	render_field(out, st, "Session", head);
	for (i = 0; i < s->n; i++) {
		const struct probe_line *l = &s->lines[i];
		const char *mark = l->dir == PROBE_SENT ? ">" : l->dir == PROBE_RECEIVED ? "<" : "*";
		const char *p = l->text, *end = l->text + l->len;
		int first = 1;
		do {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = (size_t)((nl ? nl : end) - p);
			if (first)
				fprintf(out, "    %s%8.3f %s%s ", render_sgr(st, "\033[2m"), l->t, mark, render_sgr(st, "\033[0m"));
			else
				fprintf(out, "    %8s %s ", "", mark);
			safe_write(out, p, n > 300 ? 300 : n);
			if (n > 300)
				fprintf(out, "... (%zu bytes)", n);
			putc('\n', out);
			first = 0;
			p = nl ? nl + 1 : end;
		} while (p < end);
	}
}

void
probe_print_text(FILE *out, const struct style *st, const struct probe_options *opt, const struct probe_address *a)
{
	const struct probe_domain *d = a->domain;
	const struct probe_session *s = answering(a);
	char buf[1200], why[800], shown[1100];
	size_t i;

	/* ADDRESS: VERDICT (reason: the reply at STAGE), the parenthesis wrapped */
	safe_copy(shown, sizeof shown, a->input, strlen(a->input));
	fprintf(out, "%s%s%s: %s%s%s", render_sgr(st, "\033[1m"), shown, render_sgr(st, "\033[0m"),
	        render_bounce_sgr(st, a->answer.text ? a->answer.result.bounce : SMTPCODE_BOUNCE_UNKNOWN),
	        smtpcode_verdict_name(a->verdict), render_sgr(st, "\033[0m"));
	if (a->answer.text) {
		describe(why, sizeof why, &a->answer);
		char grey[80] = "";
		if (a->greylisted.text)
			snprintf(grey, sizeof grey, "; greylisted first, asked again after %g s", a->waited);
		snprintf(buf, sizeof buf, "(%s%s%s)", why,
		         a->verdict == SMTPCODE_VERDICT_RISKY && d && d->catch_all == 1
		                 ? "; the domain accepts any address, so this proves nothing"
		                 : "",
		         grey);
		render_wrap(out, st, buf, (int)(strlen(shown) + strlen(smtpcode_verdict_name(a->verdict)) + 2), 4);
	} else {
		putc('\n', out);
	}

	/* what the verdicts people ask about mean; the two clear ones need no words */
	if (a->answer.from_server && a->verdict != SMTPCODE_VERDICT_DELIVERABLE &&
	    a->verdict != SMTPCODE_VERDICT_UNDELIVERABLE)
		render_field(out, st, "Verdict", smtpcode_verdict_description(a->verdict));
	if (a->answer.text && !a->answer.from_server) {
		snprintf(buf, sizeof buf, "the prober (%s), not a server; classified as %.*s, its standard codes",
		         a->answer.event, (int)a->answer.classified, a->answer.text);
		render_field(out, st, "Found by", buf);
	}
	if (a->greylisted.text) {
		describe(why, sizeof why, &a->greylisted);
		snprintf(buf, sizeof buf, "%s; asked again after %g s (--greylist-wait)", why, a->waited);
		render_field(out, st, "Greylisted", buf);
	} else if (a->answer.text && a->answer.result.reason == SMTPCODE_REASON_GREYLISTED) {
		render_field(out, st, "Greylisted", opt->greylist_wait > 0 ? "again after the wait"
		                                                             : "try again later, or give --greylist-wait");
	}
	if (d && d->catch_all_answer.text) {
		const struct smtpcode_result *c = &d->catch_all_answer.result;
		char codes[40] = "";
		if (d->catch_all_answer.from_server) {
			snprintf(codes, sizeof codes, "%u", c->reply.code);
			if (c->reply.enhanced.cls)
				snprintf(codes + strlen(codes), sizeof codes - strlen(codes), " %u.%u.%u", c->reply.enhanced.cls,
				         c->reply.enhanced.subject, c->reply.enhanced.detail);
		} else {
			snprintf(codes, sizeof codes, "no answer");
		}
		snprintf(buf, sizeof buf, "%s: %s@%s, an address that should not exist, got %s (%s)",
		         d->catch_all == 1 ? "yes" : d->catch_all == 0 ? "no" : "not known", d->catch_all_local, d->name,
		         codes, smtpcode_reason_name(c->reason));
		render_field(out, st, "Catch-all", buf);
	} else if (d && opt->catch_all && a->answer.from_server && a->answer.result.reply.code / 100 != 2) {
		render_field(out, st, "Catch-all", "not tested: no address was accepted");
	}
	if (s && a->answer.from_server) {
		if (s->preference >= 0)
			snprintf(buf, sizeof buf, "%s [%s]:%u, preference %d", s->host, s->addr, s->port, s->preference);
		else
			snprintf(buf, sizeof buf, "%s [%s]:%u%s", s->host, s->addr, s->port,
			         d && d->implicit_mx ? " (no MX: the domain's own address)" : "");
		render_field(out, st, "MX", buf);
		if (s->tls)
			snprintf(buf, sizeof buf, "%s %s; certificate %s%s", s->tls_version, s->tls_cipher,
			         s->tls_verified ? "verified" : "not verified: ", s->tls_verified ? "" : s->tls_verify_error);
		else
			snprintf(buf, sizeof buf, "none%s", opt->tls == PROBE_TLS_NEVER ? " (--tls=never)" : "");
		render_field(out, st, "TLS", buf);
	}
	if (!a->answer.from_server && a->nsessions) { /* where the prober looked */
		size_t used = 0;
		for (i = 0; i < a->nsessions && used + 300 < sizeof buf; i++)
			used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s [%s]:%u", i ? ", " : "",
			                         a->sessions[i]->host, a->sessions[i]->addr, a->sessions[i]->port);
		render_field(out, st, "Tried", buf);
	}
	if (!opt->verbose)
		return;
	if (d && d->dns_notes) {
		size_t n = strlen(d->dns_notes);
		char *notes = d->dns_notes;
		notes[n - 1] = '\0'; /* no blank line after the last note */
		render_field(out, st, "DNS", notes);
		notes[n - 1] = '\n';
	}
	for (i = 0; i < a->nsessions; i++)
		transcript(out, st, a->sessions[i]);
}

static void
outcome_json(struct json *j, const char *key, const struct probe_outcome *o)
{
	if (!o->text) {
		json_null(j, key);
		return;
	}
	json_begin_object(j, key);
	json_name(j, "source", o->from_server ? "server" : "prober");
	json_name(j, "event", o->event);
	json_name(j, "stage", o->stage ? smtpcode_stage_name(o->stage) : NULL);
	json_string_n(j, "text", o->text, o->len);
	if (o->session) {
		json_string(j, "host", o->session->host);
		json_string(j, "address", o->session->addr);
	} else {
		json_null(j, "host");
		json_null(j, "address");
	}
	json_begin_object(j, "classification");
	result_json_members(j, &o->result);
	json_end_object(j);
	json_end_object(j);
}

/* 2026-12-06T10:47:48.123Z */
static const char *
iso_time(char *buf, size_t size, double t)
{
	time_t secs = (time_t)t;
	struct tm tm;
	char day[32];

	gmtime_r(&secs, &tm);
	strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%03dZ", day, (int)((t - (double)secs) * 1000));
	return buf;
}

static void
session_json(struct json *j, const struct probe_session *s)
{
	static const char *const dir[] = {"sent", "received", "note"};
	char when[40];
	size_t i;

	json_begin_object(j, NULL);
	json_string(j, "host", s->host);
	json_string(j, "address", s->addr);
	json_int(j, "port", (long)s->port);
	if (s->preference >= 0)
		json_int(j, "preference", s->preference);
	else
		json_null(j, "preference");
	json_string(j, "started", iso_time(when, sizeof when, s->started));
	json_double(j, "seconds", s->ended > s->started ? s->ended - s->started : 0.0);
	if (s->tls) {
		json_begin_object(j, "tls");
		json_string(j, "version", s->tls_version);
		json_string(j, "cipher", s->tls_cipher);
		json_string(j, "peer", s->tls_peer);
		json_bool(j, "verified", s->tls_verified);
		if (s->tls_verified)
			json_null(j, "verify_error");
		else
			json_string(j, "verify_error", s->tls_verify_error);
		json_end_object(j);
	} else {
		json_null(j, "tls");
	}
	json_begin_array(j, "transcript");
	for (i = 0; i < s->n; i++) {
		json_begin_object(j, NULL);
		json_double(j, "t", s->lines[i].t);
		json_name(j, "dir", dir[s->lines[i].dir]);
		json_string_n(j, "text", s->lines[i].text, s->lines[i].len);
		json_end_object(j);
	}
	json_end_array(j);
	json_end_object(j);
}

void
probe_print_json(FILE *out, const struct probe_options *opt, const struct probe_address *a)
{
	const struct probe_domain *d = a->domain;
	const struct probe_session *s = a->answer.from_server ? answering(a) : NULL;
	struct json j;
	size_t i;

	(void)opt;
	json_init(&j, out);
	json_begin_object(&j, NULL);
	json_string(&j, "address", a->input);
	if (d)
		json_string(&j, "domain", d->name);
	else
		json_null(&j, "domain");
	json_name(&j, "verdict", smtpcode_verdict_name(a->verdict));
	if (a->answer.text) {
		json_name(&j, "reason", smtpcode_reason_name(a->answer.result.reason));
		json_name(&j, "bounce", smtpcode_bounce_name(a->answer.result.bounce));
		json_name(&j, "action", smtpcode_action_name(a->answer.result.action));
	} else {
		json_null(&j, "reason");
		json_null(&j, "bounce");
		json_null(&j, "action");
	}
	if (d && d->catch_all >= 0)
		json_bool(&j, "catch_all", d->catch_all);
	else
		json_null(&j, "catch_all");
	outcome_json(&j, "answer", &a->answer);
	outcome_json(&j, "greylisted", &a->greylisted);
	if (a->greylisted.text)
		json_double(&j, "greylist_wait", a->waited);
	else
		json_null(&j, "greylist_wait");
	if (d)
		outcome_json(&j, "catch_all_answer", &d->catch_all_answer);
	else
		json_null(&j, "catch_all_answer");
	if (s) {
		json_begin_object(&j, "mx");
		json_string(&j, "host", s->host);
		json_string(&j, "address", s->addr);
		json_int(&j, "port", (long)s->port);
		if (s->preference >= 0)
			json_int(&j, "preference", s->preference);
		else
			json_null(&j, "preference");
		json_bool(&j, "implicit", d && d->implicit_mx);
		json_bool(&j, "tls", s->tls);
		json_end_object(&j);
	} else {
		json_null(&j, "mx");
	}
	json_begin_array(&j, "dns");
	if (d && d->dns_notes) {
		const char *p = d->dns_notes;
		while (*p) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);
			json_string_n(&j, NULL, p, n);
			p += n + (nl ? 1 : 0);
		}
	}
	json_end_array(&j);
	json_begin_array(&j, "sessions");
	for (i = 0; i < a->nsessions; i++)
		session_json(&j, a->sessions[i]);
	json_end_array(&j);
	json_double(&j, "seconds", a->ended > a->started ? a->ended - a->started : 0.0);
	json_bool(&j, "invalid_utf8", j.replaced);
	json_end_object(&j);
}
