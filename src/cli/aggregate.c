/* stats --by: records counted by one or two keys (aggregate.h). */
#include "aggregate.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addresses.h"
#include "byte_table.h"
#include "fields.h"
#include "json.h"
#include "safe_text.h"
#include "scan.h"
#include "stats.h"
#include "table.h"

static const char *const key_names[BY_KEYS] = {"domain", "relay", "vendor", "reason", "recipient", "hour", "day"};
static const char *const key_titles[BY_KEYS] = {"Recipient domain", "Relay", "Vendor", "Reason", "Recipient",
                                                "Hour", "Day"};
const char aggregate_key_names[] = "domain, relay, vendor, reason, recipient, hour or day";

struct counts {
	long records, bounces, hard, soft, block, accepted, auto_reply, complaint;
};

/* A group: the byte_table's key is its first key's length (two bytes),
 * then the first key, then the second. */
struct group {
	const char *key;    /* the first key, then the second */
	size_t len, split;  /* the first key is key[0..split) */
	struct counts n;
	long first_total;   /* records of all groups with this first key (for sorting; 0 for a time) */
	int second_in_time; /* the second key is an hour or a day (for sorting) */
};

struct aggregate {
	enum aggregate_key key[2];
	int keys;
	unsigned long top;
	struct byte_table groups; /* values: struct group */
	struct counts all, rest;  /* every record; those of groups past the limit */
	int out_of_memory;
};

int
aggregate_key_from_name(const char *name, size_t len)
{
	int k;

	for (k = 0; k < BY_KEYS; k++)
		if (strlen(key_names[k]) == len && memcmp(key_names[k], name, len) == 0)
			return k;
	return -1;
}

int
aggregate_key_needs_time(enum aggregate_key k)
{
	return k == BY_HOUR || k == BY_DAY;
}

struct aggregate *
aggregate_new(const enum aggregate_key *keys, int n, unsigned long top)
{
	struct aggregate *a = calloc(1, sizeof *a);

	if (!a)
		return NULL;
	a->key[0] = keys[0];
	a->key[1] = n > 1 ? keys[1] : keys[0];
	a->keys = n > 1 ? 2 : 1;
	a->top = top;
	if (byte_table_init(&a->groups, sizeof(struct group)) != 0) {
		free(a);
		return NULL;
	}
	return a;
}

void
aggregate_free(struct aggregate *a)
{
	if (!a)
		return;
	byte_table_free(&a->groups);
	free(a);
}

static size_t
lower_copy(char *out, const char *s, size_t len)
{
	size_t i;

	if (len > AGGREGATE_KEY_BYTES)
		len = AGGREGATE_KEY_BYTES;
	for (i = 0; i < len; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
	return len;
}

/* The record's value of key k into out (AGGREGATE_KEY_BYTES + 1 at least);
 * its length, 0 when the record has none. */
static size_t
key_value(enum aggregate_key k, const struct scan_record *rec, char *out)
{
	const struct smtpcode_result *r = rec->r;
	const char *s;
	size_t i, at;

	switch (k) {
	case BY_DOMAIN:
		for (at = rec->recipient.len, i = 0; i < rec->recipient.len; i++)
			if (rec->recipient.ptr[i] == '@')
				at = i;
		if (at + 1 >= rec->recipient.len)
			return 0;
		i = rec->recipient.len - at - 1;
		if (rec->recipient.ptr[rec->recipient.len - 1] == '.')
			i--;
		return lower_copy(out, rec->recipient.ptr + at + 1, i);
	case BY_RELAY:
		return lower_copy(out, r->host.ptr, r->host.len);
	case BY_RECIPIENT: {
		char addr[ADDRESS_MAX];
		size_t n;
		if (!rec->recipient.len)
			return 0;
		n = address_normalise(addr, rec->recipient.ptr, rec->recipient.len);
		if (n > AGGREGATE_KEY_BYTES)
			n = AGGREGATE_KEY_BYTES;
		memcpy(out, addr, n);
		return n;
	}
	case BY_HOUR:
	case BY_DAY:
		if (!rec->time)
			return 0;
		if (k == BY_DAY)
			return (size_t)snprintf(out, AGGREGATE_KEY_BYTES, "%04d-%02d-%02d", rec->time->year, rec->time->month,
			                        rec->time->day);
		return (size_t)snprintf(out, AGGREGATE_KEY_BYTES, "%04d-%02d-%02d %02d:00", rec->time->year,
		                        rec->time->month, rec->time->day, rec->time->hour);
	case BY_VENDOR:
		s = r->vendor ? smtpcode_vendor_name(r->vendor) : "none";
		break;
	default:
		s = smtpcode_reason_name(r->reason);
		break;
	}
	if (!s)
		s = "unknown";
	i = strlen(s);
	memcpy(out, s, i);
	return i;
}

static void
count(struct counts *c, const struct smtpcode_result *r)
{
	c->records++;
	if (r->bounce != SMTPCODE_BOUNCE_NONE) {
		c->bounces++;
		c->hard += r->bounce == SMTPCODE_BOUNCE_HARD;
		c->soft += r->bounce == SMTPCODE_BOUNCE_SOFT;
		c->block += r->bounce == SMTPCODE_BOUNCE_BLOCK;
	} else {
		c->accepted += r->reason == SMTPCODE_REASON_ACCEPTED;
		c->auto_reply += r->reason == SMTPCODE_REASON_AUTO_REPLY;
		c->complaint += r->reason == SMTPCODE_REASON_COMPLAINT;
	}
}

void
aggregate_add(void *ctx, const struct scan_record *rec)
{
	struct aggregate *a = ctx;
	char key[2 + 2 * (AGGREGATE_KEY_BYTES + 1)];
	size_t split = key_value(a->key[0], rec, key + 2), len = split;
	struct byte_entry *e;
	struct group *g;
	int created;

	if (a->keys > 1)
		len += key_value(a->key[1], rec, key + 2 + split);
	key[0] = (char)(split >> 8);
	key[1] = (char)(split & 0xff);
	count(&a->all, rec->r);
	e = byte_table_get(&a->groups, key, len + 2, a->groups.used < AGGREGATE_MAX_GROUPS, &created);
	if (!e) {
		/* past the limit, or out of memory: the rest */
		a->out_of_memory |= a->groups.used < AGGREGATE_MAX_GROUPS;
		count(&a->rest, rec->r);
		return;
	}
	g = e->value;
	if (created) {
		g->key = e->key + 2;
		g->len = len;
		g->split = split;
	}
	count(&g->n, rec->r);
}

static int
bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int d = memcmp(a, b, alen < blen ? alen : blen);

	return d ? d : (alen > blen) - (alen < blen);
}

static int
by_first(const void *x, const void *y)
{
	const struct group *a = *(const struct group *const *)x, *b = *(const struct group *const *)y;

	return bytes_cmp(a->key, a->split, b->key, b->split);
}

/* Most records first; with two keys, the groups of a first key together,
 * the first key with the most records first. Hours and days go in the
 * order of time instead (their keys sort so). Ties in byte order. */
static int
by_count(const void *x, const void *y)
{
	const struct group *a = *(const struct group *const *)x, *b = *(const struct group *const *)y;
	int d;

	if (a->first_total != b->first_total)
		return a->first_total > b->first_total ? -1 : 1;
	if ((d = bytes_cmp(a->key, a->split, b->key, b->split)) != 0)
		return d;
	if (a->n.records != b->n.records && !a->second_in_time)
		return a->n.records > b->n.records ? -1 : 1;
	return bytes_cmp(a->key + a->split, a->len - a->split, b->key + b->split, b->len - b->split);
}

/* The groups in the order shown; NULL, having said so, when out of memory. */
static struct group **
sorted(const struct aggregate *a, size_t *n)
{
	struct group **g = malloc((a->groups.used ? a->groups.used : 1) * sizeof *g);
	size_t i, k = 0, run;

	if (!g) {
		fprintf(stderr, "smtpcode: out of memory\n");
		return NULL;
	}
	for (i = 0; i < a->groups.cap; i++)
		if (a->groups.slot[i].key)
			g[k++] = a->groups.slot[i].value;
	for (i = 0; i < k; i++)
		g[i]->second_in_time = a->keys > 1 && aggregate_key_needs_time(a->key[1]);
	if (aggregate_key_needs_time(a->key[0])) {
		for (i = 0; i < k; i++)
			g[i]->first_total = 0;
	} else if (a->keys > 1) {
		qsort(g, k, sizeof *g, by_first);
		for (i = 0; i < k; i = run) {
			long total = 0;
			size_t j;
			for (run = i; run < k && by_first(&g[i], &g[run]) == 0; run++)
				total += g[run]->n.records;
			for (j = i; j < run; j++)
				g[j]->first_total = total;
		}
	} else {
		for (i = 0; i < k; i++)
			g[i]->first_total = g[i]->n.records;
	}
	qsort(g, k, sizeof *g, by_count);
	*n = a->top && a->top < k ? a->top : k;
	return g;
}

/* Why some records are counted as the rest, on standard error. */
static void
rest_warning(const struct aggregate *a)
{
	if (!a->rest.records)
		return;
	fflush(stdout);
	if (a->out_of_memory)
		fprintf(stderr, "smtpcode: out of memory: the records of the groups that could not be kept are counted "
		        "as the rest\n");
	else
		fprintf(stderr, "smtpcode: more than %d groups: the records of the groups after those are counted as "
		        "the rest\n", AGGREGATE_MAX_GROUPS);
}

static void
totals_line(const struct aggregate *a, const struct style *st, FILE *out)
{
	const char *bold = render_sgr(st, "\033[1m"), *reset = render_sgr(st, "\033[0m");

	fprintf(out, "%s%ld records%s", bold, a->all.records, reset);
	if (a->all.records)
		fprintf(out, ": %ld bounces%s", a->all.bounces, a->all.bounces ? " (hard, soft, block: shares of these)" : "");
	if (a->all.accepted)
		fprintf(out, ", %ld accepted", a->all.accepted);
	if (a->all.auto_reply)
		fprintf(out, ", %ld auto-reply", a->all.auto_reply);
	if (a->all.complaint)
		fprintf(out, ", %ld complaint", a->all.complaint);
	putc('\n', out);
}

/* A key as shown: escaped, "-" for none. */
static void
shown_key(char *buf, size_t size, const char *s, size_t len)
{
	if (!len)
		snprintf(buf, size, "-");
	else
		safe_copy(buf, size, s, len);
}

/* The columns of the text table besides the keys: accepted, auto-reply and
 * complaint only when some record is one. */
struct text_columns {
	int accepted, auto_reply, complaint;
};

static int
columns_width(const struct text_columns *c)
{
	return 2 + 8 + 8 + 3 * 7 + 9 * c->accepted + 11 * c->auto_reply + 10 * c->complaint;
}

static void
text_row(FILE *out, const struct text_columns *tc, const char *k1, int w1, const char *k2, int w2,
         const struct counts *c)
{
	const long part[3] = {c->hard, c->soft, c->block};
	int i;

	fputs("  ", out);
	table_cell(out, k1, w1, 1);
	if (k2) {
		fputs("  ", out);
		table_cell(out, k2, w2, 1);
	}
	fprintf(out, " %7ld %7ld", c->records, c->bounces);
	for (i = 0; i < 3; i++) {
		if (c->bounces)
			fprintf(out, " %5.1f%%", 100.0 * stats_share(part[i], c->bounces));
		else
			fprintf(out, " %6s", "-");
	}
	if (tc->accepted)
		fprintf(out, " %8ld", c->accepted);
	if (tc->auto_reply)
		fprintf(out, " %10ld", c->auto_reply);
	if (tc->complaint)
		fprintf(out, " %9ld", c->complaint);
	putc('\n', out);
}

void
aggregate_text(const struct aggregate *a, const struct style *st, FILE *out)
{
	const char *bold = render_sgr(st, "\033[1m"), *reset = render_sgr(st, "\033[0m");
	char k1[4 * AGGREGATE_KEY_BYTES + 1], k2[4 * AGGREGATE_KEY_BYTES + 1];
	struct text_columns tc;
	size_t n, i;
	struct group **g = sorted(a, &n);
	int w[2] = {0, 0}, j, room;

	if (!g)
		return;
	tc.accepted = a->all.accepted > 0;
	tc.auto_reply = a->all.auto_reply > 0;
	tc.complaint = a->all.complaint > 0;
	totals_line(a, st, out);
	/* The keys as wide as their widest, within what the terminal leaves,
	 * but not cut below 16 characters (an hour): a key cut short says
	 * nothing, and the table may then be wider than the terminal. */
	room = st->columns - columns_width(&tc) - (a->keys > 1 ? 2 : 0);
	for (j = 0; j < a->keys; j++) {
		w[j] = table_text_width(key_titles[a->key[j]]);
		for (i = 0; i < n; i++) {
			int kw;
			if (j == 0)
				shown_key(k1, sizeof k1, g[i]->key, g[i]->split);
			else
				shown_key(k1, sizeof k1, g[i]->key + g[i]->split, g[i]->len - g[i]->split);
			kw = table_text_width(k1);
			if (kw > w[j])
				w[j] = kw;
		}
	}
	while (w[0] + w[1] > room && (w[0] > 16 || w[1] > 16)) {
		j = w[0] >= w[1] ? 0 : 1;
		w[j]--;
	}
	if (n || a->rest.records) {
		fprintf(out, "\n%s  ", bold);
		table_cell(out, key_titles[a->key[0]], w[0], 1);
		if (a->keys > 1) {
			fputs("  ", out);
			table_cell(out, key_titles[a->key[1]], w[1], 1);
		}
		fprintf(out, " %7s %7s %6s %6s %6s", "records", "bounces", "hard", "soft", "block");
		if (tc.accepted)
			fprintf(out, " %8s", "accepted");
		if (tc.auto_reply)
			fprintf(out, " %10s", "auto-reply");
		if (tc.complaint)
			fprintf(out, " %9s", "complaint");
		fprintf(out, "%s\n", reset);
	}
	for (i = 0; i < n; i++) {
		/* The first key once for its groups. */
		if (a->keys > 1 && i > 0 && by_first(&g[i - 1], &g[i]) == 0)
			k1[0] = '\0';
		else
			shown_key(k1, sizeof k1, g[i]->key, g[i]->split);
		shown_key(k2, sizeof k2, g[i]->key + g[i]->split, g[i]->len - g[i]->split);
		text_row(out, &tc, k1, w[0], a->keys > 1 ? k2 : NULL, w[1], &g[i]->n);
	}
	if (a->rest.records)
		text_row(out, &tc, "(the rest)", w[0], a->keys > 1 ? "" : NULL, w[1], &a->rest);
	if (n < a->groups.used)
		fprintf(out, "  (%zu more groups; --top shows more)\n", a->groups.used - n);
	rest_warning(a);
	free(g);
}

static void
json_counts(struct json *j, const struct counts *c)
{
	json_int(j, "records", c->records);
	json_int(j, "bounces", c->bounces);
	json_int(j, "hard", c->hard);
	json_int(j, "soft", c->soft);
	json_int(j, "block", c->block);
	json_double(j, "hard_share", stats_share(c->hard, c->bounces));
	json_double(j, "soft_share", stats_share(c->soft, c->bounces));
	json_double(j, "block_share", stats_share(c->block, c->bounces));
	json_int(j, "accepted", c->accepted);
	json_int(j, "auto_reply", c->auto_reply);
	json_int(j, "complaint", c->complaint);
}

static void
json_key(struct json *j, enum aggregate_key k, const char *s, size_t len)
{
	if (len)
		json_string_n(j, key_names[k], s, len);
	else
		json_null(j, key_names[k]);
}

void
aggregate_json(const struct aggregate *a, FILE *out)
{
	struct json j;
	size_t n, i;
	struct group **g = sorted(a, &n);
	int k;

	if (!g)
		return;
	json_init(&j, out);
	json_begin_object(&j, NULL);
	json_int(&j, "records", a->all.records);
	json_int(&j, "bounces", a->all.bounces);
	json_begin_array(&j, "by");
	for (k = 0; k < a->keys; k++)
		json_name(&j, NULL, key_names[a->key[k]]);
	json_end_array(&j);
	json_begin_array(&j, "groups");
	for (i = 0; i < n; i++) {
		json_begin_object(&j, NULL);
		json_key(&j, a->key[0], g[i]->key, g[i]->split);
		if (a->keys > 1)
			json_key(&j, a->key[1], g[i]->key + g[i]->split, g[i]->len - g[i]->split);
		json_counts(&j, &g[i]->n);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_int(&j, "groups_not_shown", (long)(a->groups.used - n));
	if (a->rest.records) {
		json_begin_object(&j, "rest");
		json_counts(&j, &a->rest);
		json_end_object(&j);
	} else {
		json_null(&j, "rest");
	}
	json_bool(&j, "invalid_utf8", j.replaced);
	json_end_object(&j);
	rest_warning(a);
	free(g);
}

static void
fields_counts(FILE *out, const struct counts *c, int csv)
{
	const long v[] = {c->records, c->bounces, c->hard, c->soft, c->block};
	const long after[] = {c->accepted, c->auto_reply, c->complaint};
	char buf[32];
	size_t i;

	for (i = 0; i < 5; i++) {
		snprintf(buf, sizeof buf, "%ld", v[i]);
		fields_cell(out, buf, strlen(buf), csv, 0);
	}
	for (i = 2; i < 5; i++) {
		snprintf(buf, sizeof buf, "%.4f", stats_share(v[i], c->bounces));
		fields_cell(out, buf, strlen(buf), csv, 0);
	}
	for (i = 0; i < 3; i++) {
		snprintf(buf, sizeof buf, "%ld", after[i]);
		fields_cell(out, buf, strlen(buf), csv, 0);
	}
	fields_end(out, csv);
}

void
aggregate_fields(const struct aggregate *a, FILE *out, int csv)
{
	static const char *const head[] = {"records", "bounces", "hard", "soft", "block", "hard_share", "soft_share",
	                                   "block_share", "accepted", "auto_reply", "complaint"};
	size_t n, i;
	struct group **g = sorted(a, &n);
	int k;

	if (!g)
		return;
	for (k = 0; k < a->keys; k++)
		fields_cell(out, key_names[a->key[k]], strlen(key_names[a->key[k]]), csv, k == 0);
	for (i = 0; i < sizeof head / sizeof head[0]; i++)
		fields_cell(out, head[i], strlen(head[i]), csv, 0);
	fields_end(out, csv);
	for (i = 0; i < n; i++) {
		fields_cell(out, g[i]->key, g[i]->split, csv, 1);
		if (a->keys > 1)
			fields_cell(out, g[i]->key + g[i]->split, g[i]->len - g[i]->split, csv, 0);
		fields_counts(out, &g[i]->n, csv);
	}
	if (a->rest.records) {
		fields_cell(out, "(the rest)", 10, csv, 1);
		if (a->keys > 1)
			fields_cell(out, "", 0, csv, 0);
		fields_counts(out, &a->rest, csv);
	}
	rest_warning(a);
	free(g);
}
