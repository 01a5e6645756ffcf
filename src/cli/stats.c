#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "byte_table.h"
#include "fields.h"
#include "json.h"
#include "safe_text.h"
#include "scan.h"
#include "stats.h"
#include "table.h"

#define TEXT_SLOTS 2048     /* a power of two, at least twice STATS_MAX_TEXTS */
#define ENHANCED_SLOTS 2048 /* the same for STATS_MAX_ENHANCED */

struct text_entry {
	char *text; /* NULL: a free slot */
	size_t len;
	long count;
	uint32_t hash;
};

struct text_table {
	struct text_entry *slot; /* allocated with the first text of the reason */
	size_t used;
	long other; /* texts that came when the table was full */
};

struct enhanced_entry {
	unsigned key; /* cls * 1000000 + subject * 1000 + detail; 0: a free slot */
	long count;
};

/* What became of the mail, as the record says: a bounce message's DSN action
 * (failed, delayed, ...) or its kind (feedback, auto-reply), a log line's
 * status (sent, deferred, bounced, expired). Names from static sets. */
#define OUTCOME_SLOTS 16

struct outcome {
	const char *name; /* NULL: a free slot */
	long count;
};

struct stats {
	unsigned top;
	long records;
	struct outcome outcome[OUTCOME_SLOTS]; /* of every record */
	long bounces;     /* records whose bounce type is not none: the other tables count these */
	long not_bounce[SMTPCODE_REASON_COUNT]; /* the others, by reason (accepted, auto-reply, ...) */
	long bounce[SMTPCODE_BOUNCE_COUNT];
	long reason[SMTPCODE_REASON_COUNT];
	long vendor[SMTPCODE_VENDOR_COUNT];
	long stage[SMTPCODE_STAGE_COUNT];
	long basic[1000]; /* [0]: no basic code */
	struct enhanced_entry enhanced[ENHANCED_SLOTS];
	size_t enhanced_used;
	long no_enhanced, enhanced_other;
	struct text_table texts[SMTPCODE_REASON_COUNT];
	int out_of_memory;
};

struct stats *
stats_new(unsigned top)
{
	struct stats *s = calloc(1, sizeof *s);

	if (s)
		s->top = top;
	return s;
}

void
stats_free(struct stats *s)
{
	size_t r, i;

	if (!s)
		return;
	for (r = 0; r < SMTPCODE_REASON_COUNT; r++) {
		if (!s->texts[r].slot)
			continue;
		for (i = 0; i < TEXT_SLOTS; i++)
			free(s->texts[r].slot[i].text);
		free(s->texts[r].slot);
	}
	free(s);
}

/* The reply as one line: line breaks and runs of blanks as one space, cut at
 * STATS_TEXT_BYTES. */
static size_t
normalise(char *out, struct smtpcode_span reply)
{
	size_t i, n = 0;
	int space = 0;

	for (i = 0; i < reply.len && n < STATS_TEXT_BYTES; i++) {
		char c = reply.ptr[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = n > 0;
			continue;
		}
		if (space && n + 1 < STATS_TEXT_BYTES)
			out[n++] = ' ';
		space = 0;
		out[n++] = c;
	}
	return n;
}

static void
count_text(struct stats *s, enum smtpcode_reason reason, const char *text, size_t len)
{
	struct text_table *t = &s->texts[reason];
	uint32_t h = (uint32_t)byte_hash(text, len);
	size_t i;

	if (!t->slot) {
		t->slot = calloc(TEXT_SLOTS, sizeof *t->slot);
		if (!t->slot) {
			s->out_of_memory = 1;
			t->other++;
			return;
		}
	}
	for (i = h & (TEXT_SLOTS - 1);; i = (i + 1) & (TEXT_SLOTS - 1)) {
		struct text_entry *e = &t->slot[i];
		if (!e->text)
			break;
		if (e->hash == h && e->len == len && memcmp(e->text, text, len) == 0) {
			e->count++;
			return;
		}
	}
	if (t->used >= STATS_MAX_TEXTS) {
		t->other++;
		return;
	}
	t->slot[i].text = malloc(len + 1);
	if (!t->slot[i].text) {
		s->out_of_memory = 1;
		t->other++;
		return;
	}
	memcpy(t->slot[i].text, text, len);
	t->slot[i].text[len] = '\0';
	t->slot[i].len = len;
	t->slot[i].hash = h;
	t->slot[i].count = 1;
	t->used++;
}

static void
count_enhanced(struct stats *s, const struct smtpcode_enhanced_code *c)
{
	unsigned key;
	size_t i;

	if (!c->cls) {
		s->no_enhanced++;
		return;
	}
	key = c->cls * 1000000u + c->subject * 1000u + c->detail;
	for (i = (key * 2654435761u) & (ENHANCED_SLOTS - 1);; i = (i + 1) & (ENHANCED_SLOTS - 1)) {
		if (s->enhanced[i].key == key) {
			s->enhanced[i].count++;
			return;
		}
		if (!s->enhanced[i].key)
			break;
	}
	if (s->enhanced_used >= STATS_MAX_ENHANCED) {
		s->enhanced_other++;
		return;
	}
	s->enhanced[i].key = key;
	s->enhanced[i].count = 1;
	s->enhanced_used++;
}

/* What a log line with no SMTP reply says, when the MTA's own error is
 * the reason (Postfix's "(connect to ...: Connection timed out)", Sendmail's
 * "stat=Deferred: Connection refused", Exim's "** a@b: Unrouteable
 * address"): the words after the status, else empty. */
static struct smtpcode_span
own_words(struct smtpcode_span line)
{
	static const char *const marks[] = {"status=", "stat=", " ** ", " == "};
	struct smtpcode_span w = {NULL, 0};
	const char *p = line.ptr, *end = line.ptr + line.len, *q;
	size_t i;

	for (i = 0; i < sizeof marks / sizeof marks[0] && !w.ptr; i++) {
		size_t m = strlen(marks[i]);
		for (q = p; q + m <= end; q++) {
			if (memcmp(q, marks[i], m) != 0)
				continue;
			q += m;
			if (i == 0) { /* status=deferred (...) */
				while (q < end && *q != ' ' && *q != '(')
					q++;
				while (q < end && *q == ' ')
					q++;
				if (q < end && *q == '(') {
					const char *close = end;
					while (close > q && close[-1] != ')')
						close--;
					if (close > q + 1) {
						w.ptr = q + 1;
						w.len = (size_t)(close - 1 - w.ptr);
					}
				}
			} else if (i == 1) { /* stat=... to the end */
				w.ptr = q;
				w.len = (size_t)(end - q);
			} else { /* Exim: after the address and its routing, "...: text" */
				const char *colon = q;
				while (colon + 1 < end && !(colon[0] == ':' && colon[1] == ' '))
					colon++;
				if (colon + 1 < end) {
					w.ptr = colon + 2;
					w.len = (size_t)(end - w.ptr);
				}
			}
			break;
		}
	}
	return w;
}

/* The text a record is shown by among its reason's top replies: the reply,
 * else what the message or the log line said, else the words that decided. */
static struct smtpcode_span
example_text(const struct scan_record *rec)
{
	struct smtpcode_span w;

	if (rec->r->reply.raw.len)
		return rec->r->reply.raw;
	if (rec->msg)
		return rec->text;
	w = own_words(rec->text);
	return w.len ? w : rec->r->matched;
}

static void
count_outcome(struct stats *s, const char *name)
{
	size_t i;

	if (!name)
		name = "none";
	for (i = 0; i < OUTCOME_SLOTS && s->outcome[i].name; i++)
		if (strcmp(s->outcome[i].name, name) == 0)
			break;
	if (i == OUTCOME_SLOTS)
		i = OUTCOME_SLOTS - 1; /* cannot happen: the names are fewer */
	s->outcome[i].name = name;
	s->outcome[i].count++;
}

void
stats_add(void *ctx, const struct scan_record *rec)
{
	struct stats *s = ctx;
	const struct smtpcode_result *r = rec->r;
	enum smtpcode_reason reason = r->reason < SMTPCODE_REASON_COUNT ? r->reason : SMTPCODE_REASON_UNKNOWN;
	char text[STATS_TEXT_BYTES];
	size_t len;

	s->records++;
	count_outcome(s, rec->msg ? (rec->msg->action ? rec->msg->action : rec->msg->report)
	                          : smtpcode_log_status_name(r->log_status));
	if (r->bounce == SMTPCODE_BOUNCE_NONE) {
		/* accepted, an automatic reply, a complaint: counted apart, so
		 * that the shares are of the bounces */
		s->not_bounce[reason]++;
		return;
	}
	s->bounces++;
	s->bounce[r->bounce < SMTPCODE_BOUNCE_COUNT ? r->bounce : SMTPCODE_BOUNCE_UNKNOWN]++;
	s->reason[reason]++;
	s->vendor[r->vendor < SMTPCODE_VENDOR_COUNT ? r->vendor : SMTPCODE_VENDOR_UNKNOWN]++;
	s->stage[r->stage < SMTPCODE_STAGE_COUNT ? r->stage : SMTPCODE_STAGE_UNKNOWN]++;
	s->basic[r->reply.code < 1000 ? r->reply.code : 0]++;
	count_enhanced(s, &r->reply.enhanced);
	len = normalise(text, example_text(rec));
	if (len > 0)
		count_text(s, reason, text, len);
}

/* One counted value of a table, for sorting and printing. */
struct tally {
	char name[32];
	const char *text; /* a reply text, or NULL; NUL bytes may be inside it */
	size_t text_len;
	long count;
	size_t order;
};

static int
by_count(const void *a, const void *b)
{
	const struct tally *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

enum table_id { T_OUTCOME, T_BOUNCE, T_REASON, T_VENDOR, T_STAGE, T_CODE, T_ENHANCED, T_TABLES };

static const char *const table_keys[] = {"outcome", "bounce", "reason", "vendor", "stage", "code", "enhanced"};
static const char *const table_titles[] = {"Outcome", "Bounce type", "Reason", "Vendor", "Stage", "Basic code",
                                           "Enhanced code"};

/* Fills t with the non-zero counts of a table, sorted; returns how many. */
static size_t
collect(const struct stats *s, enum table_id id, struct tally *t)
{
	size_t n = 0, i;

#define ADD(NAME_FMT, VALUE, COUNT)                                                          \
	do {                                                                                 \
		if ((COUNT) > 0) {                                                           \
			snprintf(t[n].name, sizeof t[n].name, NAME_FMT, VALUE);              \
			t[n].text = NULL;                                                    \
			t[n].count = (COUNT);                                                \
			t[n].order = n;                                                      \
			n++;                                                                 \
		}                                                                            \
	} while (0)
	switch (id) {
	case T_OUTCOME:
		for (i = 0; i < OUTCOME_SLOTS && s->outcome[i].name; i++)
			ADD("%s", s->outcome[i].name, s->outcome[i].count);
		break;
	case T_BOUNCE:
		for (i = 0; i < SMTPCODE_BOUNCE_COUNT; i++)
			ADD("%s", smtpcode_bounce_name((enum smtpcode_bounce)i), s->bounce[i]);
		break;
	case T_REASON:
		for (i = 0; i < SMTPCODE_REASON_COUNT; i++)
			ADD("%s", smtpcode_reason_name((enum smtpcode_reason)i), s->reason[i]);
		break;
	case T_VENDOR:
		for (i = 1; i < SMTPCODE_VENDOR_COUNT; i++)
			ADD("%s", smtpcode_vendor_name((enum smtpcode_vendor)i), s->vendor[i]);
		ADD("%s", "none", s->vendor[0]);
		break;
	case T_STAGE:
		for (i = 1; i < SMTPCODE_STAGE_COUNT; i++)
			ADD("%s", smtpcode_stage_name((enum smtpcode_stage)i), s->stage[i]);
		ADD("%s", "unknown", s->stage[0]);
		break;
	case T_CODE:
		for (i = 1; i < 1000; i++)
			ADD("%zu", i, s->basic[i]);
		ADD("%s", "none", s->basic[0]);
		break;
	default:
		for (i = 0; i < ENHANCED_SLOTS; i++) {
			unsigned k = s->enhanced[i].key;
			if (k) {
				snprintf(t[n].name, sizeof t[n].name, "%u.%u.%u", k / 1000000, k / 1000 % 1000, k % 1000);
				t[n].text = NULL;
				t[n].count = s->enhanced[i].count;
				t[n].order = k; /* ties in code order */
				n++;
			}
		}
		ADD("%s", "other", s->enhanced_other);
		if (n && s->enhanced_other)
			t[n - 1].order = (size_t)-2;
		ADD("%s", "none", s->no_enhanced);
		if (n && s->no_enhanced)
			t[n - 1].order = (size_t)-1;
		break;
	}
#undef ADD
	qsort(t, n, sizeof *t, by_count);
	return n;
}

/* The texts of one reason, most frequent first; returns how many. */
static size_t
collect_texts(const struct text_table *tt, struct tally *t)
{
	size_t n = 0, i;

	for (i = 0; tt->slot && i < TEXT_SLOTS; i++) {
		if (tt->slot[i].text) {
			t[n].name[0] = '\0';
			t[n].text = tt->slot[i].text;
			t[n].text_len = tt->slot[i].len;
			t[n].count = tt->slot[i].count;
			t[n].order = i;
			n++;
		}
	}
	qsort(t, n, sizeof *t, by_count);
	return n;
}

/* What a table's shares are of: the outcome table counts every record (it
 * is what tells bounces from the rest), the others the bounces. */
static long
table_total(const struct stats *s, int id)
{
	return id == T_OUTCOME ? s->records : s->bounces;
}

#define TALLY_MAX (ENHANCED_SLOTS + 8)

/* The records that are no bounces, by reason, as "1 accepted, 2 auto-reply". */
static void
not_bounces_text(const struct stats *s, FILE *out)
{
	size_t r;

	for (r = 0; r < SMTPCODE_REASON_COUNT; r++)
		if (s->not_bounce[r])
			fprintf(out, ", %ld %s", s->not_bounce[r], smtpcode_reason_name((enum smtpcode_reason)r));
}

void
stats_text(const struct stats *s, const struct style *st, FILE *out)
{
	struct tally *t = malloc(TALLY_MAX * sizeof *t);
	char shown[4 * STATS_TEXT_BYTES + 1]; /* a text, each byte at most 4 when escaped */
	const char *bold = render_sgr(st, "\033[1m"), *dim = render_sgr(st, "\033[2m"), *reset = render_sgr(st, "\033[0m");
	size_t n, i, r;
	int id;

	if (!t) {
		fprintf(stderr, "smtpcode: out of memory\n");
		return;
	}
	fprintf(out, "%s%ld records%s", bold, s->records, reset);
	if (s->records > 0) {
		fprintf(out, ": %ld bounces%s", s->bounces, s->bounces ? " (the shares of the tables after Outcome are of these)" : "");
		not_bounces_text(s, out);
	}
	putc('\n', out);
	for (id = 0; id < T_TABLES && table_total(s, id) > 0; id++) {
		n = collect(s, (enum table_id)id, t);
		fprintf(out, "\n%s%-24s %9s %7s%s\n", bold, table_titles[id], "count", "share", reset);
		for (i = 0; i < n; i++) {
			fputs("  ", out);
			table_cell(out, t[i].name, 22, 1);
			fprintf(out, " %9ld %6.1f%%\n", t[i].count, 100.0 * stats_share(t[i].count, table_total(s, id)));
		}
	}
	if (s->bounces > 0 && s->top > 0)
		fprintf(out, "\n%sTop %u replies by reason%s\n", bold, s->top, reset);
	for (r = 0; s->bounces > 0 && s->top > 0 && r < SMTPCODE_REASON_COUNT; r++) {
		if (!s->reason[r])
			continue;
		n = collect_texts(&s->texts[r], t);
		fprintf(out, "  %s%s%s %s(%ld)%s\n", bold, smtpcode_reason_name((enum smtpcode_reason)r), reset, dim,
		        s->reason[r], reset);
		for (i = 0; i < n && i < s->top; i++) {
			/* escaped: reply texts come from anyone who sends mail */
			safe_copy(shown, sizeof shown, t[i].text, t[i].text_len);
			fprintf(out, "    %7ld  ", t[i].count);
			table_cell(out, shown, st->columns - 13, 0);
			putc('\n', out);
		}
		if (s->texts[r].other)
			fprintf(out, "    %7ld  %s(other texts, past %d distinct)%s\n", s->texts[r].other, dim,
			        STATS_MAX_TEXTS, reset);
	}
	if (s->out_of_memory)
		fprintf(stderr, "smtpcode: out of memory: some reply texts were counted as other\n");
	free(t);
}

void
stats_json(const struct stats *s, FILE *out)
{
	struct tally *t = malloc(TALLY_MAX * sizeof *t);
	struct json j;
	size_t n, i, r;
	int id;

	if (!t) {
		fprintf(stderr, "smtpcode: out of memory\n");
		return;
	}
	json_init(&j, out);
	json_begin_object(&j, NULL);
	json_int(&j, "records", s->records);
	json_int(&j, "bounces", s->bounces);
	for (id = 0; id < T_TABLES; id++) {
		n = collect(s, (enum table_id)id, t);
		json_begin_array(&j, table_keys[id]);
		for (i = 0; i < n; i++) {
			json_begin_object(&j, NULL);
			json_string(&j, "name", t[i].name);
			json_int(&j, "count", t[i].count);
			json_double(&j, "share", stats_share(t[i].count, table_total(s, id)));
			json_end_object(&j);
		}
		json_end_array(&j);
	}
	json_begin_array(&j, "not_bounces");
	for (r = 0; r < SMTPCODE_REASON_COUNT; r++) {
		if (!s->not_bounce[r])
			continue;
		json_begin_object(&j, NULL);
		json_name(&j, "name", smtpcode_reason_name((enum smtpcode_reason)r));
		json_int(&j, "count", s->not_bounce[r]);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_begin_array(&j, "top_replies");
	for (r = 0; r < SMTPCODE_REASON_COUNT; r++) {
		if (!s->reason[r])
			continue;
		n = collect_texts(&s->texts[r], t);
		json_begin_object(&j, NULL);
		json_string(&j, "reason", smtpcode_reason_name((enum smtpcode_reason)r));
		json_int(&j, "count", s->reason[r]);
		json_int(&j, "distinct", (long)s->texts[r].used);
		json_int(&j, "other", s->texts[r].other);
		json_begin_array(&j, "replies");
		for (i = 0; i < n && i < s->top; i++) {
			json_begin_object(&j, NULL);
			json_string_n(&j, "text", t[i].text, t[i].text_len);
			json_int(&j, "count", t[i].count);
			json_end_object(&j);
		}
		json_end_array(&j);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_bool(&j, "invalid_utf8", j.replaced); /* last: known once every reply text is out */
	json_end_object(&j);
	if (s->out_of_memory)
		fprintf(stderr, "smtpcode: out of memory: some reply texts were counted as other\n");
	free(t);
}

/* One row of stats --format tsv|csv: table, name, count, share (when
 * share >= 0) and text. */
static void
fields_row(FILE *out, int csv, const char *table, const char *name, long count, double share, const char *text,
           size_t text_len)
{
	char buf[32];

	fields_cell(out, table, strlen(table), csv, 1);
	fields_cell(out, name, strlen(name), csv, 0);
	snprintf(buf, sizeof buf, "%ld", count);
	fields_cell(out, buf, strlen(buf), csv, 0);
	if (share >= 0)
		snprintf(buf, sizeof buf, "%.4f", share);
	else
		buf[0] = '\0';
	fields_cell(out, buf, strlen(buf), csv, 0);
	fields_cell(out, text, text_len, csv, 0);
	fields_end(out, csv);
}

void
stats_fields(const struct stats *s, FILE *out, int csv)
{
	static const char *const head[] = {"table", "name", "count", "share", "text"};
	struct tally *t = malloc(TALLY_MAX * sizeof *t);
	size_t n, i, r;
	int id;

	if (!t) {
		fprintf(stderr, "smtpcode: out of memory\n");
		return;
	}

	for (i = 0; i < 5; i++)
		fields_cell(out, head[i], strlen(head[i]), csv, i == 0);
	fields_end(out, csv);
	for (id = 0; id < T_TABLES; id++) {
		n = collect(s, (enum table_id)id, t);
		for (i = 0; i < n; i++)
			fields_row(out, csv, table_keys[id], t[i].name, t[i].count,
			           stats_share(t[i].count, table_total(s, id)), "", 0);
	}
	for (r = 0; r < SMTPCODE_REASON_COUNT; r++)
		if (s->not_bounce[r])
			fields_row(out, csv, "not-bounce", smtpcode_reason_name((enum smtpcode_reason)r), s->not_bounce[r], -1,
			           "", 0);
	for (r = 0; r < SMTPCODE_REASON_COUNT; r++) {
		if (!s->reason[r])
			continue;
		n = collect_texts(&s->texts[r], t);
		for (i = 0; i < n && i < s->top; i++)
			fields_row(out, csv, "reply", smtpcode_reason_name((enum smtpcode_reason)r), t[i].count, -1, t[i].text,
			           t[i].text_len);
	}
	free(t);
}
