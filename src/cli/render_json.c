/* JSON for one answer; field names are documented in docs/json.md. */
#include <string.h>

#include "json.h"
#include "render.h"

void
render_json_list(struct json *j, const char *key, struct smtpcode_list l)
{
	size_t i;

	json_begin_array(j, key);
	for (i = 0; i < l.count; i++)
		json_string(j, NULL, smtpcode_list_at(l, i));
	json_end_array(j);
}

static void
text_or_null(struct json *j, const char *key, smtpcode_text_t t)
{
	const char *s = smtpcode_text(t);

	if (*s)
		json_string(j, key, s);
	else
		json_null(j, key);
}

static void
outcome(struct json *j, const struct answer *a)
{
	json_string(j, "reason", smtpcode_reason_name(answer_reason(a)));
	json_string(j, "action", smtpcode_action_name(answer_action(a)));
	json_string(j, "bounce", smtpcode_bounce_name(answer_bounce(a)));
	json_string(j, "verdict", smtpcode_verdict_name(answer_verdict(a)));
}

static void
basic_json(struct json *j, const struct answer *a)
{
	const struct smtpcode_basic *b = a->basic;
	unsigned cls = a->basic_code / 100, cat = a->basic_code / 10 % 10;
	static const char *const status[] = {"standard", "experimental", "deprecated", "registry-only"};

	json_string(j, "kind", "basic");
	json_int(j, "class", (long)cls);
	json_int(j, "category", (long)cat);
	json_bool(j, "registered", b != NULL);
	json_string(j, "status", b ? status[b->status] : NULL);
	json_string(j, "title", b ? smtpcode_text(b->title) : NULL);
	json_string(j, "meaning", b ? smtpcode_text(b->meaning) : smtpcode_basic_class_meaning(cls));
	json_begin_array(j, "causes");
	if (b) {
		size_t i;
		for (i = 0; i < b->causes.count; i++)
			json_string(j, NULL, smtpcode_list_at(b->causes, i));
	}
	json_end_array(j);
	outcome(j, a);
	json_string(j, "advice", b ? smtpcode_text(b->advice) : smtpcode_action_description(answer_action(a)));
	if (b) {
		render_json_list(j, "rfc", b->rfc);
		render_json_list(j, "commands", b->commands);
		render_json_list(j, "related", b->related);
		text_or_null(j, "notes", b->notes);
	} else {
		json_begin_array(j, "rfc");
		json_end_array(j);
		json_begin_array(j, "commands");
		json_end_array(j);
		json_begin_array(j, "related");
		json_end_array(j);
		json_null(j, "notes");
	}
	json_string(j, "class_title", smtpcode_basic_class_title(cls));
	json_string(j, "category_title", smtpcode_basic_category_title(cat));
}

static void
row_json(struct json *j, const char *key, const struct smtpcode_enhanced *row)
{
	if (!row) {
		json_null(j, key);
		return;
	}
	json_begin_object(j, key);
	json_string(j, "code", smtpcode_text(row->code));
	json_string(j, "title", smtpcode_text(row->title));
	json_string(j, "meaning", smtpcode_text(row->meaning));
	json_end_object(j);
}

static void
enhanced_json(struct json *j, const struct answer *a)
{
	const struct smtpcode_enhanced *row = a->scope == SCOPE_CLASS ? a->class_row
	                                      : a->scope == SCOPE_SUBJECT ? a->subject_row : a->detail_row;
	static const char *const scope[] = {"code", "detail", "subject", "class"};
	static const unsigned classes[3] = {2, 4, 5};
	unsigned i;

	json_string(j, "kind", "enhanced");
	json_string(j, "scope", scope[a->scope]);
	if (a->cls)
		json_int(j, "class", (long)a->cls);
	else
		json_null(j, "class");
	if (a->scope != SCOPE_CLASS)
		json_int(j, "subject", (long)a->subject);
	else
		json_null(j, "subject");
	if (a->scope == SCOPE_CODE || a->scope == SCOPE_DETAIL)
		json_int(j, "detail", (long)a->detail);
	else
		json_null(j, "detail");
	json_bool(j, "registered", row != NULL);
	json_string(j, "registry_code", row ? smtpcode_text(row->code) : NULL);
	json_string(j, "title", row ? smtpcode_text(row->title) : NULL);
	json_string(j, "meaning", row ? smtpcode_text(row->meaning)
	                          : a->class_row ? smtpcode_text(a->class_row->meaning) : NULL);
	json_begin_object(j, "class_meaning");
	if (row) {
		for (i = 0; i < 3; i++) {
			char key[2] = {(char)('0' + classes[i]), 0};
			if (row->classes & (1u << classes[i]))
				text_or_null(j, key, row->class_meaning[i]);
		}
	}
	json_end_object(j);
	json_begin_array(j, "classes");
	for (i = 0; row && i < 3; i++)
		if (row->classes & (1u << classes[i]))
			json_int(j, NULL, (long)classes[i]);
	json_end_array(j);
	json_begin_array(j, "causes");
	for (i = 0; row && i < row->causes.count; i++)
		json_string(j, NULL, smtpcode_list_at(row->causes, i));
	json_end_array(j);
	outcome(j, a);
	json_string(j, "advice", row ? smtpcode_text(row->advice) : smtpcode_action_description(answer_action(a)));
	if (row) {
		render_json_list(j, "rfc", row->rfc);
		render_json_list(j, "basic", row->basic);
		text_or_null(j, "basic_note", row->basic_note);
		render_json_list(j, "related", row->related);
		json_bool(j, "deprecated", row->deprecated);
		text_or_null(j, "replaced_by", row->replaced_by);
		text_or_null(j, "notes", row->notes);
	} else {
		json_begin_array(j, "rfc");
		json_end_array(j);
		json_begin_array(j, "basic");
		json_end_array(j);
		json_null(j, "basic_note");
		json_begin_array(j, "related");
		json_end_array(j);
		json_bool(j, "deprecated", 0);
		json_null(j, "replaced_by");
		json_null(j, "notes");
	}
	{
		const struct smtpcode_vendor_code *vc[16];
		size_t k, n = answer_vendor_codes(a, vc, 16);
		json_begin_array(j, "vendor_uses");
		for (k = 0; k < n && k < 16; k++) {
			json_begin_object(j, NULL);
			json_string(j, "vendor", smtpcode_vendor_name((enum smtpcode_vendor)vc[k]->vendor));
			json_int(j, "class", (long)vc[k]->cls);
			json_int(j, "first", (long)vc[k]->first);
			json_int(j, "last", (long)vc[k]->last);
			json_string(j, "reason", smtpcode_reason_name((enum smtpcode_reason)vc[k]->reason));
			json_string(j, "meaning", smtpcode_text(vc[k]->meaning));
			json_end_object(j);
		}
		json_end_array(j);
	}
	row_json(j, "class_row", a->class_row);
	row_json(j, "subject_row", a->scope == SCOPE_CLASS ? NULL : a->subject_row);
}

static void
class_json(struct json *j, const struct answer *a)
{
	unsigned cls = a->basic_code / 100, cat;
	enum smtpcode_reason soft[SMTPCODE_REASON_COUNT];
	size_t i, n = cls == 5 ? class_soft_reasons(soft, SMTPCODE_REASON_COUNT) : 0;

	json_string(j, "kind", "class");
	json_int(j, "class", (long)cls);
	json_string(j, "title", smtpcode_basic_class_title(cls));
	json_string(j, "meaning", smtpcode_basic_class_meaning(cls));
	json_begin_object(j, "categories");
	for (cat = 0; cat <= 5; cat++) {
		char key[4] = {'x', (char)('0' + cat), 'x', 0};
		if (smtpcode_basic_category_title(cat))
			json_string(j, key, smtpcode_basic_category_title(cat));
	}
	json_end_object(j);
	json_begin_array(j, "codes");
	for (i = 0; i < smtpcode_basic_count(); i++) {
		char code[8];
		if (smtpcode_basic_at(i)->code / 100 != cls)
			continue;
		snprintf(code, sizeof code, "%u", smtpcode_basic_at(i)->code);
		json_string(j, NULL, code);
	}
	json_end_array(j);
	row_json(j, "class_row", a->class_row);
	json_begin_array(j, "bounce");
	if (cls <= 3) {
		json_string(j, NULL, "none");
	} else if (cls == 4) {
		json_string(j, NULL, "soft");
	} else {
		json_string(j, NULL, "hard");
		json_string(j, NULL, "block");
		json_string(j, NULL, "unknown");
		json_string(j, NULL, "soft");
	}
	json_end_array(j);
	json_begin_array(j, "soft_reasons");
	for (i = 0; i < n; i++)
		json_string(j, NULL, smtpcode_reason_name(soft[i]));
	json_end_array(j);
}

void
render_json(FILE *out, const struct answer *a)
{
	struct json j;

	json_init(&j, out);
	json_begin_object(&j, NULL);
	json_string_n(&j, "query", a->query, a->len);
	if (a->kind == QUERY_ERROR) {
		json_string(&j, "code", NULL);
		json_string(&j, "error", a->message);
	} else {
		json_string(&j, "code", a->code);
		if (a->kind == QUERY_BASIC)
			basic_json(&j, a);
		else if (a->kind == QUERY_CLASS)
			class_json(&j, a);
		else
			enhanced_json(&j, a);
	}
	json_bool(&j, "invalid_utf8", j.replaced); /* last: known once every string is out */
	json_end_object(&j);
}
