#include <string.h>

#include "render.h"

#define LABEL_WIDTH 14

const char *
render_sgr(const struct style *st, const char *code)
{
	return st->color ? code : "";
}

#define sgr render_sgr
#define wrap render_wrap

#define BOLD(st) sgr(st, "\033[1m")
#define DIM(st) sgr(st, "\033[2m")
#define RESET(st) sgr(st, "\033[0m")

const char *
render_bounce_sgr(const struct style *st, enum smtpcode_bounce b)
{
	switch (b) {
	case SMTPCODE_BOUNCE_HARD: return sgr(st, "\033[1;31m");
	case SMTPCODE_BOUNCE_BLOCK: return sgr(st, "\033[1;35m");
	case SMTPCODE_BOUNCE_SOFT: return sgr(st, "\033[1;33m");
	case SMTPCODE_BOUNCE_NONE: return sgr(st, "\033[1;32m");
	default: return sgr(st, "\033[1m");
	}
}

/* Writes text word by word, wrapped at st->width, continuation lines
 * indented; a line break in the text starts a new (indented) line. */
void
render_wrap(FILE *out, const struct style *st, const char *text, int column, int indent)
{
	const char *p = text;

	while (*p) {
		const char *end = p;
		int n;
		if (*p == '\n') {
			fprintf(out, "\n%*s", indent, "");
			column = indent;
			p++;
			continue;
		}
		while (*end && *end != ' ' && *end != '\n')
			end++;
		n = (int)(end - p);
		if (column > indent && column + 1 + n > st->width) {
			fprintf(out, "\n%*s", indent, "");
			column = indent;
		} else if (column > indent) {
			putc(' ', out);
			column++;
		}
		fwrite(p, 1, (size_t)n, out);
		column += n;
		p = *end == ' ' ? end + 1 : end;
	}
	putc('\n', out);
}

void
render_field(FILE *out, const struct style *st, const char *label, const char *text)
{
	if (!text || !*text)
		return;
	fprintf(out, "  %s%-*s%s", DIM(st), LABEL_WIDTH - 2, label, RESET(st));
	wrap(out, st, text, LABEL_WIDTH, LABEL_WIDTH);
}

#define field render_field

static void
list_field(FILE *out, const struct style *st, const char *label, struct smtpcode_list l,
           const char *sep)
{
	char buf[1024];
	size_t i, o = 0;

	if (l.count == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < l.count && o < sizeof buf; i++)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", i ? sep : "", smtpcode_list_at(l, i));
	field(out, st, label, buf);
}

static void
causes(FILE *out, const struct style *st, struct smtpcode_list l)
{
	size_t i;

	for (i = 0; i < l.count; i++) {
		fprintf(out, "  %s%-*s%s- ", DIM(st), LABEL_WIDTH - 2, i ? "" : "Causes", RESET(st));
		wrap(out, st, smtpcode_list_at(l, i), LABEL_WIDTH + 2, LABEL_WIDTH + 2);
	}
}

static void
outcome(FILE *out, const struct style *st, const char *label, enum smtpcode_reason r,
        enum smtpcode_bounce b, enum smtpcode_verdict v)
{
	fprintf(out, "  %s%-*s%s", DIM(st), LABEL_WIDTH - 2, label, RESET(st));
	fprintf(out, "reason %s%s%s, bounce %s%s%s, RCPT TO verdict %s%s%s\n",
	        BOLD(st), smtpcode_reason_name(r), RESET(st),
	        render_bounce_sgr(st, b), smtpcode_bounce_name(b), RESET(st),
	        BOLD(st), smtpcode_verdict_name(v), RESET(st));
}

static void
action(FILE *out, const struct style *st, enum smtpcode_action act, const char *advice)
{
	char buf[1024];

	snprintf(buf, sizeof buf, "%s [%s]", advice && *advice ? advice : smtpcode_action_description(act),
	         smtpcode_action_name(act));
	field(out, st, "What to do", buf);
}

static void
heading(FILE *out, const struct style *st, const char *code, const char *title)
{
	fprintf(out, "%s%s%s  %s%s%s\n", BOLD(st), code, RESET(st), BOLD(st), title, RESET(st));
}

static void
basic_text(FILE *out, const struct style *st, const struct answer *a)
{
	const struct smtpcode_basic *b = a->basic;
	unsigned cls = a->basic_code / 100, cat = a->basic_code / 10 % 10;
	char buf[512];
	const char *cat_title = smtpcode_basic_category_title(cat);

	heading(out, st, a->code, b ? smtpcode_text(b->title) : "(not registered)");
	if (!b) {
		snprintf(buf, sizeof buf, "%s is not a reply code defined by any RFC or the IANA registry; "
		         "what follows is read from its digits.", a->code);
		field(out, st, "Note", buf);
	}
	snprintf(buf, sizeof buf, "%uxx: %s. %s", cls, smtpcode_basic_class_title(cls),
	         smtpcode_basic_class_meaning(cls));
	field(out, st, "Class", buf);
	if (cat_title)
		snprintf(buf, sizeof buf, "x%ux: %s. %s", cat, cat_title, smtpcode_basic_category_meaning(cat));
	else
		snprintf(buf, sizeof buf, "x%ux: RFC 5321 defines second digits 0 to 5 only; %u has no meaning.", cat, cat);
	field(out, st, "Category", buf);
	if (b) {
		field(out, st, "Meaning", smtpcode_text(b->meaning));
		causes(out, st, b->causes);
		action(out, st, (enum smtpcode_action)b->action, smtpcode_text(b->advice));
	} else {
		action(out, st, answer_action(a), NULL);
	}
	outcome(out, st, "Outcome", answer_reason(a), answer_bounce(a), answer_verdict(a));
	if (b) {
		list_field(out, st, "Answers", b->commands, ", ");
		if (b->status == SMTPCODE_STATUS_REGISTRY_ONLY)
			field(out, st, "Defined by", "no RFC: the code appears only as an associated code in the IANA enhanced status code registry.");
		else
			list_field(out, st, b->status == SMTPCODE_STATUS_EXPERIMENTAL ? "RFC (exp.)" : "RFC", b->rfc, ", ");
		if (b->status == SMTPCODE_STATUS_DEPRECATED)
			field(out, st, "Status", "deprecated: kept for history; do not use it in new software.");
		list_field(out, st, "Related", b->related, ", ");
		field(out, st, "Notes", smtpcode_text(b->notes));
	}
}

static void
row_line(FILE *out, const struct style *st, const char *label, const struct smtpcode_enhanced *row,
         const char *fallback)
{
	char buf[512];

	if (row)
		snprintf(buf, sizeof buf, "%s %s", smtpcode_text(row->code), smtpcode_text(row->title));
	else
		snprintf(buf, sizeof buf, "%s", fallback);
	field(out, st, label, buf);
}

/* "Vendor use" lines: what vendors mean by this code, in their replies. */
static void
vendor_uses(FILE *out, const struct style *st, const struct answer *a)
{
	const struct smtpcode_vendor_code *vc[8];
	size_t i, n = answer_vendor_codes(a, vc, 8);
	char buf[768];

	for (i = 0; i < n && i < 8; i++) {
		char codes[48];
		int k = snprintf(codes, sizeof codes, "%u.%u.%u", vc[i]->cls, vc[i]->subject, vc[i]->first);
		if (vc[i]->last != vc[i]->first)
			snprintf(codes + k, sizeof codes - (size_t)k, " to %u", vc[i]->last);
		snprintf(buf, sizeof buf, "%s (%s): %s [%s]", smtpcode_vendor_title((enum smtpcode_vendor)vc[i]->vendor),
		         codes, smtpcode_text(vc[i]->meaning), smtpcode_reason_name((enum smtpcode_reason)vc[i]->reason));
		field(out, st, "Vendor use", buf);
	}
}

static void
enhanced_text(FILE *out, const struct style *st, const struct answer *a)
{
	const struct smtpcode_enhanced *e = a->detail_row;
	const struct smtpcode_enhanced *main_row = a->scope == SCOPE_CLASS ? a->class_row
	                                           : a->scope == SCOPE_SUBJECT ? a->subject_row : e;
	char buf[512];
	static const unsigned classes[3] = {2, 4, 5};
	unsigned i;

	heading(out, st, a->code, main_row ? smtpcode_text(main_row->title)
	                          : answer_vendor_codes(a, NULL, 0) ? "(not registered), a vendor's own code"
	                                                            : "(not registered)");
	if (!main_row) {
		if (a->scope == SCOPE_SUBJECT || (a->scope != SCOPE_CLASS && !a->subject_row))
			snprintf(buf, sizeof buf, "Subject %u is not in the IANA registry (it defines subjects 0 to 7); "
			         "what follows is read from the class.", a->subject);
		else
			snprintf(buf, sizeof buf, "Detail %u of subject %u is not in the IANA registry of %s; "
			         "what follows is read from the class and subject.", a->detail, a->subject,
			         smtpcode_registry_date());
		field(out, st, "Note", buf);
	}
	if (a->scope != SCOPE_CLASS) {
		if (a->cls)
			row_line(out, st, "Class", a->class_row, "");
		row_line(out, st, "Subject", a->subject_row, "not registered");
	}
	if (main_row) {
		field(out, st, "Meaning", smtpcode_text(main_row->meaning));
		for (i = 0; i < 3; i++) {
			const char *text = smtpcode_text(main_row->class_meaning[i]);
			char label[32];
			if (!*text || (a->cls && a->cls != classes[i]))
				continue;
			snprintf(label, sizeof label, "As %u.%s", classes[i], strchr(smtpcode_text(main_row->code), '.') + 1);
			field(out, st, label, text);
		}
		if (a->cls && !(main_row->classes & (1u << a->cls))) {
			snprintf(buf, sizeof buf, "%s is not normally used with class %u; a server sending %s "
			         "gives it its own meaning, so read the reply text.", smtpcode_text(main_row->code), a->cls, a->code);
			field(out, st, "Note", buf);
		}
		vendor_uses(out, st, a);
		causes(out, st, main_row->causes);
		if (a->cls != 2)
			action(out, st, answer_action(a), a->cls == 4 ? NULL : smtpcode_text(main_row->advice));
	} else if (a->class_row) {
		field(out, st, "Meaning", smtpcode_text(a->class_row->meaning));
		vendor_uses(out, st, a);
		if (a->cls != 2)
			action(out, st, answer_action(a), NULL);
	}
	if (a->cls) {
		outcome(out, st, "Outcome", answer_reason(a), answer_bounce(a), answer_verdict(a));
	} else if (main_row) {
		for (i = 0; i < 3; i++) {
			enum smtpcode_bounce b;
			char label[32];
			if (!(main_row->classes & (1u << classes[i])))
				continue;
			b = smtpcode_enhanced_bounce(main_row, classes[i]);
			snprintf(label, sizeof label, "As %u.x.x", classes[i]);
			outcome(out, st, label, classes[i] == 2 ? SMTPCODE_REASON_ACCEPTED : (enum smtpcode_reason)main_row->reason,
			        b, smtpcode_verdict_for(b));
		}
	}
	if (main_row) {
		list_field(out, st, "Basic codes", main_row->basic, ", ");
		field(out, st, "Registry", smtpcode_text(main_row->basic_note));
		list_field(out, st, "RFC", main_row->rfc, ", ");
		if (main_row->deprecated) {
			snprintf(buf, sizeof buf, "deprecated by the registry; use %s instead.", smtpcode_text(main_row->replaced_by));
			field(out, st, "Status", buf);
		}
		list_field(out, st, "Related", main_row->related, ", ");
		field(out, st, "Notes", smtpcode_text(main_row->notes));
	}
}

/* "2xx": what the class means, its categories and codes, its enhanced
 * class row, and the bounce types its replies get. */
static void
class_text(FILE *out, const struct style *st, const struct answer *a)
{
	unsigned cls = a->basic_code / 100, cat;
	enum smtpcode_reason soft[SMTPCODE_REASON_COUNT];
	char buf[1024];
	size_t i, n, o = 0;

	heading(out, st, a->code, smtpcode_basic_class_title(cls));
	field(out, st, "Meaning", smtpcode_basic_class_meaning(cls));
	for (cat = 0; cat <= 5; cat++)
		if (smtpcode_basic_category_title(cat))
			o += (size_t)snprintf(buf + o, sizeof buf - o, "%sx%ux %s", o ? ", " : "", cat,
			                      smtpcode_basic_category_title(cat));
	field(out, st, "Categories", buf);
	for (o = 0, i = 0; i < smtpcode_basic_count() && o < sizeof buf; i++)
		if (smtpcode_basic_at(i)->code / 100 == cls)
			o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%u", o ? ", " : "", smtpcode_basic_at(i)->code);
	field(out, st, "Codes", buf);
	if (a->class_row) {
		snprintf(buf, sizeof buf, "%s %s: %s", smtpcode_text(a->class_row->code), smtpcode_text(a->class_row->title),
		         smtpcode_text(a->class_row->meaning));
		field(out, st, "Enhanced", buf);
	}
	if (cls == 2 || cls == 3) {
		field(out, st, "Bounce", "none: nothing failed.");
	} else if (cls == 4) {
		field(out, st, "Bounce", "soft: the failure is temporary; the same mail may go through later, so retry "
		                         "and never drop the address for it.");
	} else {
		n = class_soft_reasons(soft, SMTPCODE_REASON_COUNT);
		o = (size_t)snprintf(buf, sizeof buf, "hard when the address is bad, block when the sender was refused "
		                                      "(keep the address), unknown when the reply does not say; soft only "
		                                      "for a reason senders rightly treat as temporary:");
		for (i = 0; i < n && o < sizeof buf; i++)
			o += (size_t)snprintf(buf + o, sizeof buf - o, "%s %s", i ? "," : "", smtpcode_reason_name(soft[i]));
		if (o < sizeof buf)
			snprintf(buf + o, sizeof buf - o, ". The reply's text decides which: smtpcode 'REPLY' explains one.");
		field(out, st, "Bounce", buf);
	}
}

void
render_text(FILE *out, const struct style *st, const struct answer *a)
{
	if (a->kind == QUERY_BASIC)
		basic_text(out, st, a);
	else if (a->kind == QUERY_ENHANCED)
		enhanced_text(out, st, a);
	else if (a->kind == QUERY_CLASS)
		class_text(out, st, a);
}
