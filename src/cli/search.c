/* Ranking: an entry scores 100 for each query word found anywhere in it and
 * 10 more for each found in its code, name or title; ties keep the order of
 * the tables (basic codes, enhanced codes, reasons, actions, bounce types,
 * verdicts, vendors, then the vendors' literal replies from data/samples). Words match case-insensitively anywhere in a word, so
 * "quota" finds "over-quota". */
#include <stdlib.h>
#include <string.h>

#include "cli_samples.h"
#include "json.h"
#include "search.h"
#include "table.h"

enum entry_kind { E_BASIC, E_ENHANCED, E_REASON, E_ACTION, E_BOUNCE, E_VERDICT, E_VENDOR, E_SAMPLE, E_KINDS };

static const char *const kind_names[] = {"basic",   "enhanced", "reason", "action",
                                         "bounce",  "verdict",  "vendor", "sample"};

#define MAX_FIELDS 24

/* One searchable entry: its code or name, title, and the texts under it. */
struct entry {
	enum entry_kind kind;
	char code[16];
	const char *title;
	const char *field[MAX_FIELDS];
	const char *field_name[MAX_FIELDS];
	int fields;
};

struct hit {
	enum entry_kind kind;
	size_t index;
	long score;
	size_t order;
};

struct query {
	char word[SEARCH_MAX_WORDS][64];
	int words;
};

static size_t
entry_count(enum entry_kind k)
{
	switch (k) {
	case E_BASIC: return smtpcode_basic_count();
	case E_ENHANCED: return smtpcode_enhanced_count();
	case E_REASON: return SMTPCODE_REASON_COUNT;
	case E_ACTION: return SMTPCODE_ACTION_COUNT;
	case E_BOUNCE: return SMTPCODE_BOUNCE_COUNT;
	case E_VERDICT: return SMTPCODE_VERDICT_COUNT;
	case E_VENDOR: return SMTPCODE_VENDOR_COUNT - 1; /* value 0: no vendor */
	case E_SAMPLE: return CLI_SAMPLE_COUNT;
	default: return 0;
	}
}

static void
add_field(struct entry *e, const char *name, const char *text)
{
	if (text && *text && e->fields < MAX_FIELDS) {
		e->field_name[e->fields] = name;
		e->field[e->fields++] = text;
	}
}

static void
add_list(struct entry *e, const char *name, struct smtpcode_list l)
{
	size_t i;

	for (i = 0; i < l.count; i++)
		add_field(e, name, smtpcode_list_at(l, i));
}

static void
entry_get(enum entry_kind k, size_t i, struct entry *e)
{
	memset(e, 0, sizeof *e);
	e->kind = k;
	switch (k) {
	case E_BASIC: {
		const struct smtpcode_basic *b = smtpcode_basic_at(i);
		snprintf(e->code, sizeof e->code, "%u", b->code);
		e->title = smtpcode_text(b->title);
		add_field(e, "meaning", smtpcode_text(b->meaning));
		add_list(e, "cause", b->causes);
		break;
	}
	case E_ENHANCED: {
		const struct smtpcode_enhanced *x = smtpcode_enhanced_at(i);
		snprintf(e->code, sizeof e->code, "%s", smtpcode_text(x->code));
		e->title = smtpcode_text(x->title);
		add_field(e, "meaning", smtpcode_text(x->meaning));
		add_list(e, "cause", x->causes);
		break;
	}
	case E_REASON:
		snprintf(e->code, sizeof e->code, "%s", smtpcode_reason_name((enum smtpcode_reason)i));
		e->title = smtpcode_reason_title((enum smtpcode_reason)i);
		add_field(e, "description", smtpcode_reason_description((enum smtpcode_reason)i));
		break;
	case E_ACTION:
		snprintf(e->code, sizeof e->code, "%s", smtpcode_action_name((enum smtpcode_action)i));
		e->title = smtpcode_action_title((enum smtpcode_action)i);
		add_field(e, "description", smtpcode_action_description((enum smtpcode_action)i));
		break;
	case E_BOUNCE:
		snprintf(e->code, sizeof e->code, "%s", smtpcode_bounce_name((enum smtpcode_bounce)i));
		e->title = smtpcode_bounce_title((enum smtpcode_bounce)i);
		add_field(e, "description", smtpcode_bounce_description((enum smtpcode_bounce)i));
		break;
	case E_VERDICT:
		snprintf(e->code, sizeof e->code, "%s", smtpcode_verdict_name((enum smtpcode_verdict)i));
		e->title = smtpcode_verdict_title((enum smtpcode_verdict)i);
		add_field(e, "description", smtpcode_verdict_description((enum smtpcode_verdict)i));
		break;
	case E_SAMPLE:
		/* A vendor's literal reply: its codes, the vendor as title, the text. */
		snprintf(e->code, sizeof e->code, "%s", cli_samples[i].codes);
		e->title = cli_samples[i].vendor;
		add_field(e, "reply", cli_samples[i].text);
		add_field(e, "reason", cli_samples[i].reason);
		break;
	default:
		snprintf(e->code, sizeof e->code, "%s", smtpcode_vendor_name((enum smtpcode_vendor)(i + 1)));
		e->title = smtpcode_vendor_title((enum smtpcode_vendor)(i + 1));
		break;
	}
	if (!e->title)
		e->title = "";
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* The first place of `word` (lower case) in s, ASCII case-insensitively, or NULL. */
static const char *
find(const char *s, const char *word)
{
	size_t n = strlen(word), i;

	if (!s || n == 0)
		return NULL;
	for (; *s; s++) {
		for (i = 0; i < n && s[i] && lower((unsigned char)s[i]) == (unsigned char)word[i]; i++)
			;
		if (i == n)
			return s;
	}
	return NULL;
}

static int
in_head(const struct entry *e, const char *w)
{
	return find(e->code, w) || find(e->title, w);
}

static int
in_body(const struct entry *e, const char *w, int *field, const char **at)
{
	int f;

	for (f = 0; f < e->fields; f++) {
		const char *p = find(e->field[f], w);
		if (p) {
			if (field)
				*field = f;
			if (at)
				*at = p;
			return 1;
		}
	}
	return 0;
}

static long
score(const struct entry *e, const struct query *q)
{
	long s = 0;
	int i;

	for (i = 0; i < q->words; i++) {
		if (in_head(e, q->word[i]))
			s += 110;
		else if (in_body(e, q->word[i], NULL, NULL))
			s += 100;
	}
	return s;
}

static int
by_score(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The snippet: the text of the first body field holding a query word, from a
 * little before the word; or the first field when only the title matched. */
static const char *
snippet(const struct entry *e, const struct query *q, const char **field_name, int *cut)
{
	int i, f;
	const char *at;

	*cut = 0;
	for (i = 0; i < q->words; i++) {
		if (in_body(e, q->word[i], &f, &at)) {
			const char *start = at;
			int back = 0;
			/* Go back a few words, to the start of the field at most. */
			while (start > e->field[f] && back < 4) {
				start--;
				if (*start == ' ' && start[1] != ' ')
					back++;
			}
			if (start > e->field[f]) {
				start++;
				*cut = 1;
			}
			*field_name = e->field_name[f];
			return start;
		}
	}
	*field_name = e->fields ? e->field_name[0] : NULL;
	return e->fields ? e->field[0] : NULL;
}

#define SNIPPET_BYTES 240

/* The snippet as one line: an ellipsis first when it starts inside the text,
 * line breaks as spaces, at most SNIPPET_BYTES bytes of the text (cut at a
 * character boundary, with an ellipsis). */
static void
make_snippet(char *line, size_t size, const char *snip, int cut)
{
	size_t n = 0, taken = 0;

	if (cut)
		n = (size_t)snprintf(line, size, "\xe2\x80\xa6");
	for (; *snip && n + 8 < size; snip++, taken++) {
		if (taken >= SNIPPET_BYTES && ((unsigned char)*snip & 0xc0) != 0x80)
			break;
		line[n++] = *snip == '\n' || *snip == '\t' || *snip == '\r' ? ' ' : *snip;
	}
	if (*snip)
		n += (size_t)snprintf(line + n, size - n, "\xe2\x80\xa6");
	line[n] = '\0';
}

static void
print_hit(FILE *out, const struct style *st, const struct entry *e, const struct query *q, long sc, int json)
{
	const char *field_name, *snip;
	int cut, i, w;

	snip = snippet(e, q, &field_name, &cut);
	if (json) {
		struct json j;
		json_init(&j, out);
		json_begin_object(&j, NULL);
		json_string(&j, "kind", kind_names[e->kind]);
		json_string(&j, e->kind <= E_ENHANCED ? "code" : "name", e->code);
		json_string(&j, "title", e->title);
		json_int(&j, "score", sc);
		json_begin_array(&j, "words");
		for (i = 0; i < q->words; i++)
			if (in_head(e, q->word[i]) || in_body(e, q->word[i], NULL, NULL))
				json_string(&j, NULL, q->word[i]);
		json_end_array(&j);
		json_string(&j, "field", field_name);
		if (snip) {
			char line[SNIPPET_BYTES + 16];
			make_snippet(line, sizeof line, snip, cut);
			json_string(&j, "snippet", line);
		} else {
			json_null(&j, "snippet");
		}
		json_end_object(&j);
		return;
	}
	fprintf(out, "%s%s%s  ", render_sgr(st, "\033[1m"), e->code, render_sgr(st, "\033[0m"));
	w = st->columns - table_text_width(e->code) - 2 - (e->kind > E_ENHANCED ? (int)strlen(kind_names[e->kind]) + 3 : 0);
	table_cell(out, e->title, w, 0);
	if (e->kind > E_ENHANCED)
		fprintf(out, " %s(%s)%s", render_sgr(st, "\033[2m"), kind_names[e->kind], render_sgr(st, "\033[0m"));
	putc('\n', out);
	if (snip) {
		char line[SNIPPET_BYTES + 16];
		make_snippet(line, sizeof line, snip, cut);
		fputs("    ", out);
		table_cell(out, line, st->columns - 4, 0);
		putc('\n', out);
	}
}

long
search_print(char **words, int n, size_t top, int json, const struct style *st, FILE *out)
{
	struct query q;
	struct hit *hits;
	struct entry e;
	size_t total = 0, count = 0, i, order = 0;
	int a, k;

	q.words = 0;
	for (a = 0; a < n; a++) {
		const char *p = words[a];
		while (*p) {
			size_t len = 0;
			while (*p == ' ' || *p == '\t')
				p++;
			while (p[len] && p[len] != ' ' && p[len] != '\t')
				len++;
			if (len > 0 && q.words < SEARCH_MAX_WORDS) {
				size_t c;
				if (len >= sizeof q.word[0])
					len = sizeof q.word[0] - 1;
				for (c = 0; c < len; c++)
					q.word[q.words][c] = (char)lower((unsigned char)p[c]);
				q.word[q.words++][len] = '\0';
			}
			p += len;
		}
	}
	if (q.words == 0)
		return 0;
	for (k = 0; k < E_KINDS; k++)
		total += entry_count((enum entry_kind)k);
	hits = malloc((total ? total : 1) * sizeof *hits);
	if (!hits) {
		fprintf(stderr, "smtpcode: out of memory\n");
		return 0;
	}
	for (k = 0; k < E_KINDS; k++) {
		size_t m = entry_count((enum entry_kind)k);
		for (i = 0; i < m; i++, order++) {
			long s;
			entry_get((enum entry_kind)k, i, &e);
			s = score(&e, &q);
			if (s > 0) {
				hits[count].kind = (enum entry_kind)k;
				hits[count].index = i;
				hits[count].score = s;
				hits[count].order = order;
				count++;
			}
		}
	}
	qsort(hits, count, sizeof *hits, by_score);
	for (i = 0; i < count && i < top; i++) {
		entry_get(hits[i].kind, hits[i].index, &e);
		print_hit(out, st, &e, &q, hits[i].score, json);
	}
	if (!json && count > top)
		fprintf(out, "%s(%zu more; --top N shows more)%s\n", render_sgr(st, "\033[2m"), count - top,
		        render_sgr(st, "\033[0m"));
	free(hits);
	return (long)count;
}

/* The letters and digits of s, lower case, into buf (size bytes). */
static size_t
core(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	for (; *s && n + 1 < size; s++) {
		int c = lower((unsigned char)*s);
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			buf[n++] = (char)c;
	}
	buf[n] = '\0';
	return n;
}

/* One token answered: who sends it, what it means, a reply that carries it
 * (the first sample that does) and how the library classifies that reply. */
static void
print_token(FILE *out, const struct style *st, int json, const char *query, const struct cli_token *t)
{
	enum smtpcode_vendor v = (enum smtpcode_vendor)smtpcode_vendor_from_name(t->vendor, strlen(t->vendor));
	enum smtpcode_reason r = (enum smtpcode_reason)smtpcode_reason_from_name(t->reason, strlen(t->reason));
	const struct cli_sample *ex = NULL;
	const char *at = NULL, *meaning;
	char shown[64], reply[1024], buf[1024];
	struct smtpcode_result res;
	size_t i, len = strlen(t->text);

	for (i = 0; i < CLI_SAMPLE_COUNT && !ex; i++)
		if ((at = find(cli_samples[i].text, t->text)) != NULL)
			ex = &cli_samples[i];
	for (i = 0; i < len && i + 1 < sizeof shown; i++) /* as the vendor writes it */
		shown[i] = at ? at[i] : (char)(t->text[i] >= 'a' && t->text[i] <= 'z' ? t->text[i] - 32 : t->text[i]);
	shown[i] = '\0';
	meaning = ex && ex->meaning ? ex->meaning : smtpcode_reason_description(r);
	memset(&res, 0, sizeof res);
	if (ex) {
		snprintf(reply, sizeof reply, "%s %s", ex->codes, ex->text);
		smtpcode_classify(reply, strlen(reply), SMTPCODE_STAGE_UNKNOWN, NULL, 0, &res);
	} else {
		/* No sample carries it: the token alone, as the library reads it. */
		smtpcode_classify(t->text, len, SMTPCODE_STAGE_UNKNOWN, NULL, 0, &res);
	}
	if (json) {
		struct json j;
		json_init(&j, out);
		json_begin_object(&j, NULL);
		json_string(&j, "query", query);
		json_string(&j, "kind", "token");
		json_string(&j, "token", shown);
		json_string(&j, "vendor", smtpcode_vendor_name(v));
		json_string(&j, "vendor_title", smtpcode_vendor_title(v));
		json_string(&j, "meaning", meaning);
		json_string(&j, "reason", smtpcode_reason_name(res.reason));
		json_string(&j, "action", smtpcode_action_name(res.action));
		json_string(&j, "bounce", smtpcode_bounce_name(res.bounce));
		json_string(&j, "verdict", smtpcode_verdict_name(res.verdict));
		json_string(&j, "example", ex ? reply : NULL);
		json_bool(&j, "invalid_utf8", j.replaced);
		json_end_object(&j);
		return;
	}
	fprintf(out, "%s%s%s  a token of %s\n", render_sgr(st, "\033[1m"), shown, render_sgr(st, "\033[0m"),
	        smtpcode_vendor_title(v));
	snprintf(buf, sizeof buf, "%s (%s)", smtpcode_vendor_name(v), smtpcode_vendor_title(v));
	render_field(out, st, "Sent by", buf);
	render_field(out, st, "Meaning", meaning);
	if (ex)
		render_field(out, st, "Example", reply);
	snprintf(buf, sizeof buf, "reason %s, bounce %s, RCPT TO verdict %s%s", smtpcode_reason_name(res.reason),
	         smtpcode_bounce_name(res.bounce), smtpcode_verdict_name(res.verdict),
	         ex ? " (for the example; the code it comes with decides soft or not)" : "");
	render_field(out, st, "Outcome", buf);
	snprintf(buf, sizeof buf, "%s [%s]", smtpcode_action_description(res.action), smtpcode_action_name(res.action));
	render_field(out, st, "What to do", buf);
}

long
search_token(const char *query, int json, const struct style *st, FILE *out)
{
	char want[64], have[64];
	long found = 0;
	size_t i;

	if (core(query, want, sizeof want) < 3 || strlen(query) >= sizeof want)
		return 0;
	for (i = 0; i < CLI_TOKEN_COUNT; i++) {
		core(cli_tokens[i].text, have, sizeof have);
		if (strcmp(want, have) != 0)
			continue;
		if (found++ && !json)
			putc('\n', out);
		print_token(out, st, json, query, &cli_tokens[i]);
	}
	return found;
}
