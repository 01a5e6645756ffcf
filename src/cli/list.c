#include <string.h>

#include "json.h"
#include "list.h"
#include "table.h"

static const char *const kind_names[] = {"codes",    "basic",   "enhanced", "reasons",     "actions",
                                         "bounces",  "verdicts", "vendors", "vendor-codes"};

int
list_kind_from_name(const char *s, enum list_kind *kind)
{
	size_t i;

	for (i = 1; i < sizeof kind_names / sizeof kind_names[0]; i++) {
		if (strcmp(s, kind_names[i]) == 0) {
			*kind = (enum list_kind)i;
			return 0;
		}
	}
	return -1;
}

/* The rows of one table: each kind fills the cells of row i, or returns 0
 * when row i is filtered out, or -1 past the last row. */
struct filter {
	int cls, vendor;
};

#define CELLS 4

struct row {
	const char *cell[CELLS];
	char buf[2][32];
	enum smtpcode_bounce bounce;
	/* For JSON. */
	const struct smtpcode_basic *basic;
	const struct smtpcode_enhanced *enhanced;
	const struct smtpcode_vendor_code *vendor_code;
	int value;
};

typedef int row_fn(size_t i, const struct filter *f, struct row *r);

static int
basic_row(size_t i, const struct filter *f, struct row *r)
{
	const struct smtpcode_basic *b = smtpcode_basic_at(i);

	if (!b)
		return -1;
	if (f->cls >= 0 && b->code / 100 != (unsigned)f->cls)
		return 0;
	snprintf(r->buf[0], sizeof r->buf[0], "%u", b->code);
	r->cell[0] = r->buf[0];
	r->cell[1] = smtpcode_bounce_name((enum smtpcode_bounce)b->bounce);
	r->cell[2] = smtpcode_reason_name((enum smtpcode_reason)b->reason);
	r->cell[3] = smtpcode_text(b->title);
	r->bounce = (enum smtpcode_bounce)b->bounce;
	r->basic = b;
	return 1;
}

static void
classes_text(char *buf, size_t size, unsigned classes)
{
	size_t o = 0;
	unsigned c;

	buf[0] = '\0';
	for (c = 2; c <= 5; c++)
		if (classes & (1u << c))
			o += (size_t)snprintf(buf + o, size - o, "%s%u", o ? "," : "", c);
}

static int
enhanced_row(size_t i, const struct filter *f, struct row *r)
{
	const struct smtpcode_enhanced *e = smtpcode_enhanced_at(i);
	unsigned classes;

	if (!e)
		return -1;
	classes = e->kind == SMTPCODE_KIND_CLASS ? 1u << e->cls : e->classes;
	if (f->cls >= 0 && !(classes & (1u << f->cls)))
		return 0;
	r->cell[0] = smtpcode_text(e->code);
	classes_text(r->buf[0], sizeof r->buf[0], classes);
	r->cell[1] = r->buf[0];
	r->bounce = e->kind == SMTPCODE_KIND_CLASS ? smtpcode_enhanced_bounce(e, e->cls)
	                                           : (enum smtpcode_bounce)e->bounce;
	r->cell[2] = smtpcode_bounce_name(r->bounce);
	r->cell[3] = smtpcode_text(e->title);
	r->enhanced = e;
	return 1;
}

static int
reason_row(size_t i, const struct filter *f, struct row *r)
{
	enum smtpcode_reason v = (enum smtpcode_reason)i;

	(void)f;
	if (i >= SMTPCODE_REASON_COUNT)
		return -1;
	r->cell[0] = smtpcode_reason_name(v);
	r->bounce = smtpcode_reason_bounce(v);
	r->cell[1] = smtpcode_bounce_name(r->bounce);
	r->cell[2] = smtpcode_action_name(smtpcode_reason_action(v));
	r->cell[3] = smtpcode_reason_description(v);
	r->value = (int)i;
	return 1;
}

static int
action_row(size_t i, const struct filter *f, struct row *r)
{
	(void)f;
	if (i >= SMTPCODE_ACTION_COUNT)
		return -1;
	r->cell[0] = smtpcode_action_name((enum smtpcode_action)i);
	r->cell[1] = smtpcode_action_description((enum smtpcode_action)i);
	r->value = (int)i;
	return 1;
}

static int
bounce_row(size_t i, const struct filter *f, struct row *r)
{
	(void)f;
	if (i >= SMTPCODE_BOUNCE_COUNT)
		return -1;
	r->bounce = (enum smtpcode_bounce)i;
	r->cell[0] = smtpcode_bounce_name(r->bounce);
	r->cell[1] = smtpcode_bounce_description(r->bounce);
	r->value = (int)i;
	return 1;
}

static int
verdict_row(size_t i, const struct filter *f, struct row *r)
{
	(void)f;
	if (i >= SMTPCODE_VERDICT_COUNT)
		return -1;
	r->cell[0] = smtpcode_verdict_name((enum smtpcode_verdict)i);
	r->cell[1] = smtpcode_verdict_description((enum smtpcode_verdict)i);
	r->value = (int)i;
	return 1;
}

static int
vendor_row(size_t i, const struct filter *f, struct row *r)
{
	/* Value 0 is "no vendor recognised": not a vendor. */
	if (i + 1 >= SMTPCODE_VENDOR_COUNT)
		return -1;
	if (f->vendor >= 0 && (int)i + 1 != f->vendor)
		return 0;
	r->cell[0] = smtpcode_vendor_name((enum smtpcode_vendor)(i + 1));
	r->cell[1] = smtpcode_vendor_title((enum smtpcode_vendor)(i + 1));
	r->value = (int)i + 1;
	return 1;
}

static int
vendor_code_row(size_t i, const struct filter *f, struct row *r)
{
	const struct smtpcode_vendor_code *vc = smtpcode_vendor_code_at(i);
	enum smtpcode_bounce b;
	int k;

	if (!vc)
		return -1;
	if ((f->vendor >= 0 && vc->vendor != f->vendor) || (f->cls >= 0 && vc->cls != (unsigned)f->cls))
		return 0;
	k = snprintf(r->buf[0], sizeof r->buf[0], "%u.%u.%u", vc->cls, vc->subject, vc->first);
	if (vc->last != vc->first)
		snprintf(r->buf[0] + k, sizeof r->buf[0] - (size_t)k, "-%u", vc->last);
	b = vc->cls == 4 ? SMTPCODE_BOUNCE_SOFT
	    : vc->bounce != SMTPCODE_FROM_REASON ? (enum smtpcode_bounce)vc->bounce
	                                         : smtpcode_reason_bounce((enum smtpcode_reason)vc->reason);
	r->cell[0] = r->buf[0];
	r->cell[1] = smtpcode_vendor_name((enum smtpcode_vendor)vc->vendor);
	r->cell[2] = smtpcode_reason_name((enum smtpcode_reason)vc->reason);
	r->cell[3] = smtpcode_text(vc->meaning);
	r->bounce = b;
	r->vendor_code = vc;
	return 1;
}

struct table_kind {
	const char *name; /* "kind" in JSON */
	row_fn *row;
	int columns;
	const char *heading[CELLS];
	int bounce_column; /* coloured by bounce type, or -1 */
};

static const struct table_kind tables[] = {
	[LIST_BASIC] = {"basic", basic_row, 4, {"CODE", "BOUNCE", "REASON", "TITLE"}, 1},
	[LIST_ENHANCED] = {"enhanced", enhanced_row, 4, {"CODE", "CLASSES", "BOUNCE", "TITLE"}, 2},
	[LIST_REASONS] = {"reason", reason_row, 4, {"REASON", "BOUNCE", "ACTION", "DESCRIPTION"}, 1},
	[LIST_ACTIONS] = {"action", action_row, 2, {"ACTION", "DESCRIPTION", NULL, NULL}, -1},
	[LIST_BOUNCES] = {"bounce", bounce_row, 2, {"BOUNCE", "DESCRIPTION", NULL, NULL}, 0},
	[LIST_VERDICTS] = {"verdict", verdict_row, 2, {"VERDICT", "DESCRIPTION", NULL, NULL}, -1},
	[LIST_VENDORS] = {"vendor", vendor_row, 2, {"VENDOR", "TITLE", NULL, NULL}, -1},
	[LIST_VENDOR_CODES] = {"vendor-code", vendor_code_row, 4, {"CODES", "VENDOR", "REASON", "MEANING"}, -1},
};

static void
row_json(FILE *out, enum list_kind kind, const struct row *r)
{
	struct json j;
	unsigned c;

	json_init(&j, out);
	json_begin_object(&j, NULL);
	json_string(&j, "kind", tables[kind].name);
	switch (kind) {
	case LIST_BASIC:
		json_string(&j, "code", r->cell[0]);
		json_string(&j, "title", r->cell[3]);
		json_string(&j, "reason", r->cell[2]);
		json_string(&j, "action", smtpcode_action_name((enum smtpcode_action)r->basic->action));
		json_string(&j, "bounce", r->cell[1]);
		json_string(&j, "verdict", smtpcode_verdict_name((enum smtpcode_verdict)r->basic->verdict));
		render_json_list(&j, "rfc", r->basic->rfc);
		break;
	case LIST_ENHANCED:
		json_string(&j, "code", r->cell[0]);
		json_string(&j, "title", r->cell[3]);
		json_begin_array(&j, "classes");
		for (c = 2; c <= 5; c++)
			if ((r->enhanced->kind == SMTPCODE_KIND_CLASS ? 1u << r->enhanced->cls : r->enhanced->classes) &
			    (1u << c))
				json_int(&j, NULL, (long)c);
		json_end_array(&j);
		json_string(&j, "reason", smtpcode_reason_name((enum smtpcode_reason)r->enhanced->reason));
		json_string(&j, "bounce", r->cell[2]);
		json_bool(&j, "deprecated", r->enhanced->deprecated);
		render_json_list(&j, "rfc", r->enhanced->rfc);
		break;
	case LIST_REASONS:
		json_string(&j, "name", r->cell[0]);
		json_string(&j, "title", smtpcode_reason_title((enum smtpcode_reason)r->value));
		json_string(&j, "description", r->cell[3]);
		json_string(&j, "action", r->cell[2]);
		json_string(&j, "bounce", r->cell[1]);
		break;
	case LIST_ACTIONS:
		json_string(&j, "name", r->cell[0]);
		json_string(&j, "title", smtpcode_action_title((enum smtpcode_action)r->value));
		json_string(&j, "description", r->cell[1]);
		break;
	case LIST_BOUNCES:
		json_string(&j, "name", r->cell[0]);
		json_string(&j, "title", smtpcode_bounce_title((enum smtpcode_bounce)r->value));
		json_string(&j, "description", r->cell[1]);
		break;
	case LIST_VERDICTS:
		json_string(&j, "name", r->cell[0]);
		json_string(&j, "title", smtpcode_verdict_title((enum smtpcode_verdict)r->value));
		json_string(&j, "description", r->cell[1]);
		break;
	case LIST_VENDOR_CODES:
		json_string(&j, "codes", r->cell[0]);
		json_string(&j, "vendor", r->cell[1]);
		json_string(&j, "reason", r->cell[2]);
		json_string(&j, "bounce", smtpcode_bounce_name(r->bounce));
		json_string(&j, "meaning", r->cell[3]);
		break;
	default:
		json_string(&j, "name", r->cell[0]);
		json_string(&j, "title", r->cell[1]);
		break;
	}
	json_end_object(&j);
}

static long
one_table(enum list_kind kind, const struct filter *f, int json, const struct style *st, FILE *out)
{
	const struct table_kind *k = &tables[kind];
	struct table t;
	struct row r;
	size_t i;
	int got;
	long rows = 0;

	if (json) {
		for (i = 0; (got = k->row(i, f, (memset(&r, 0, sizeof r), &r))) >= 0; i++)
			if (got) {
				row_json(out, kind, &r);
				rows++;
			}
		return rows;
	}
	/* Two passes over the rows: widths, then the table. */
	table_init(&t, k->columns);
	table_measure(&t, k->heading);
	for (i = 0; (got = k->row(i, f, (memset(&r, 0, sizeof r), &r))) >= 0; i++)
		if (got) {
			table_measure(&t, r.cell);
			rows++;
		}
	if (rows == 0)
		return 0;
	table_fit(&t, st->columns);
	{
		const char *sgr[CELLS] = {render_sgr(st, "\033[1m"), render_sgr(st, "\033[1m"), render_sgr(st, "\033[1m"),
		                          render_sgr(st, "\033[1m")};
		table_row(&t, out, k->heading, sgr, render_sgr(st, "\033[0m"));
	}
	for (i = 0; (got = k->row(i, f, (memset(&r, 0, sizeof r), &r))) >= 0; i++) {
		const char *sgr[CELLS] = {NULL, NULL, NULL, NULL};
		if (!got)
			continue;
		if (k->bounce_column >= 0)
			sgr[k->bounce_column] = render_bounce_sgr(st, r.bounce);
		table_row(&t, out, r.cell, sgr, render_sgr(st, "\033[0m"));
	}
	return rows;
}

long
list_print(enum list_kind kind, int cls, int vendor, int json, const struct style *st, FILE *out)
{
	struct filter f;
	long rows;

	f.cls = cls;
	f.vendor = vendor;
	if (kind != LIST_CODES)
		return one_table(kind, &f, json, st, out);
	rows = one_table(LIST_BASIC, &f, json, st, out);
	if (rows > 0 && !json)
		putc('\n', out);
	return rows + one_table(LIST_ENHANCED, &f, json, st, out);
}
