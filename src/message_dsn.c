/* Delivery-status fields (RFC 3464) and feedback-report fields (RFC 5965):
 * a recipient's group of fields becomes one record, classified from its
 * Action, Status, Remote-MTA and Diagnostic-Code fields, and from what the
 * human-readable text says of the recipient where the fields say less. */
#include <string.h>

#include "message.h"

/* The fields that name the recipient, in the order they are preferred: each
 * also a bit of group_seen. */
static const char rcpt_names[3][20] = {"final-recipient", "original-recipient", "x-actual-recipient"};

enum {
	SEEN_FINAL = 1 << 0,
	SEEN_ORIGINAL = 1 << 1,
	SEEN_ACTUAL = 1 << 2,
	SEEN_ACTION = 1 << 3,
	SEEN_STATUS = 1 << 4,
	SEEN_DIAGNOSTIC = 1 << 5,
	SEEN_REMOTE = 1 << 6
};

static void
group_clear(struct smtpcode__msg *m)
{
	m->group_open = 0;
	m->group_keep = 0;
	m->group_field = 0;
	m->group_seen = 0;
	m->group_last = 0;
	m->group_cut = 0;
	m->group_len = 0;
	m->rcpt_fields[0].len = m->rcpt_fields[1].len = m->rcpt_fields[2].len = 0;
	m->rcpt_fields[0].cut = m->rcpt_fields[1].cut = m->rcpt_fields[2].cut = 0;
	m->action_len = 0;
}

void
smtpcode__msg_dsn_reset(struct smtpcode__msg *m)
{
	group_clear(m);
}

static void
add(char *buf, size_t cap, size_t *len, const char *s, size_t n, int *cut)
{
	if (n > cap - *len) {
		n = cap - *len;
		*cut = 1;
	}
	memcpy(buf + *len, s, n);
	*len += n;
}

static enum smtpcode_dsn_action
action_of(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && s[n] != ' ' && s[n] != '\t' && s[n] != ';' && s[n] != '(')
		n++;
	if (smtpcode__msg_is(s, n, "failed") || smtpcode__msg_is(s, n, "expired")) /* SendGrid's "expired" */
		return SMTPCODE_DSN_FAILED;
	if (smtpcode__msg_is(s, n, "delayed"))
		return SMTPCODE_DSN_DELAYED;
	if (smtpcode__msg_is(s, n, "delivered"))
		return SMTPCODE_DSN_DELIVERED;
	if (smtpcode__msg_is(s, n, "relayed"))
		return SMTPCODE_DSN_RELAYED;
	if (smtpcode__msg_is(s, n, "expanded"))
		return SMTPCODE_DSN_EXPANDED;
	return SMTPCODE_DSN_NONE;
}

/* Asterisks only (and, in a domain, the dots between them)? */
static int
stars_only(const char *s, size_t n, int dots)
{
	size_t i, stars = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '*')
			stars++;
		else if (!(dots && s[i] == '.'))
			return 0;
	}
	return stars > 0;
}

/* An address masked for privacy: a local part or a domain of asterisks
 * ("****@**********", as iCloud's Final-Recipient has it). */
static int
masked(const char *v, size_t n)
{
	const char *at = (const char *)memchr(v, '@', n);

	return at && (stars_only(v, (size_t)(at - v), 0) || stars_only(at + 1, (size_t)(v + n - at - 1), 1));
}

/* The value of a recipient field without its type ("rfc822;"), blanks and
 * angle brackets. */
static void
field_value(const struct smtpcode__rcpt_field *f, const char **v, size_t *n)
{
	const char *s = f->text, *semi = (const char *)memchr(s, ';', f->len);
	size_t len = f->len;

	if (semi) {
		len -= (size_t)(semi + 1 - s);
		s = semi + 1;
	}
	while (len > 0 && (*s == ' ' || *s == '\t' || *s == '<'))
		s++, len--;
	/* Exchange's proxy-address form: "rfc822;SMTP:a@b". */
	if (len > 5 && s[4] == ':' && smtpcode__msg_is(s, 4, "smtp"))
		s += 5, len -= 5;
	/* A list's separator after the only address ("a@b,") is no part of it. */
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '>' || s[len - 1] == ','))
		len--;
	*v = s;
	*n = len;
}

static int
has_blank(const char *s, size_t n)
{
	return memchr(s, ' ', n) || memchr(s, '\t', n);
}

/* The recipient of the group: Final-Recipient's, else the Original one's,
 * else X-Actual-Recipient's (some mail systems put a local name in
 * Final-Recipient). A value that is one word with an '@' is the address as
 * it stands, whatever bytes it holds (they are escaped where shown); else
 * the address in it ("Name <a@b>"); else, so that no recipient is lost, the
 * value as it is. */
static int
group_address(struct smtpcode__msg *m, const char **addr, size_t *len, int *cut)
{
	const struct smtpcode__rcpt_field *f = m->rcpt_fields;
	struct smtpcode__addr a;
	const char *v;
	size_t n;
	int i;

	for (i = 0; i < 3; i++) {
		if (!f[i].len)
			continue;
		field_value(&f[i], &v, &n);
		/* A source route ("@mx.example.org:a@local_daemon", Sun's
		 * messaging server) names a hop and an internal name: the
		 * Original-Recipient, where there is one, is the address. */
		if (i == 0 && n > 0 && v[0] == '@' && memchr(v, ':', n) && f[1].len)
			continue;
		/* A masked address: another field's, where there is one. */
		if (masked(v, n) && ((i < 1 && f[1].len) || (i < 2 && f[2].len)))
			continue;
		if (n > 2 && v[0] != '@' && v[n - 1] != '@' && memchr(v, '@', n) && !has_blank(v, n)) {
			*addr = v, *len = n, *cut = f[i].cut;
			return 1;
		}
		if (smtpcode__msg_field_address(f[i].text, f[i].len, &a)) {
			*addr = f[i].text + a.start, *len = a.end - a.start, *cut = f[i].cut;
			return 1;
		}
	}
	/* No address in the fields ("rfc822; @mx.example.org"): the text's, when
	 * it names one recipient. */
	if (smtpcode__msg_text_only_recipient(m, addr, len)) {
		*cut = 0;
		return 1;
	}
	for (i = 0; i < 3; i++) {
		field_value(&f[i], &v, &n);
		if (f[i].len && n) {
			*addr = v, *len = n, *cut = f[i].cut;
			return 1;
		}
	}
	*addr = NULL;
	*len = 0;
	*cut = 0;
	return 0;
}

/* Does the text's answer name another cause than the group's own Status
 * (5.2.2 against a text's 5.1.1)? A text that names another address than
 * the group's, with other codes, is that address's (an NDR that names its
 * recipients by their display names only). */
static int
contradicts(const struct smtpcode_result *group, const struct smtpcode_result *text)
{
	const struct smtpcode_enhanced_code *a = &group->reply.enhanced, *b = &text->reply.enhanced;

	return a->cls && b->cls && (a->subject || a->detail) && (a->subject != b->subject || a->detail != b->detail);
}

/* One recipient's record of the group. */
static void
group_record(struct smtpcode__msg *m, const char *addr, size_t addr_len, int cut)
{
	size_t n, k;
	struct smtpcode_result r, better;
	int other;
	const char *text = m->group;
	size_t len = m->group_len;
	unsigned flags = 0;

	smtpcode_classify(m->group, m->group_len, m->stage, NULL, 0, &r);
	if (r.decided_by < SMTPCODE_SIGNAL_PHRASE || r.stage == SMTPCODE_STAGE_UNKNOWN) {
		/* The fields name no cause, or no stage: what the text says of the
		 * recipient may ("... (in reply to end of DATA command)"). */
		n = m->group_len;
		memcpy(m->scratch, m->group, n);
		m->scratch[n++] = '\n';
		m->scratch[n++] = '\n'; /* a blank line: the fields' words end there */
		k = smtpcode__msg_text_for(m, addr, addr_len, m->dsn_records == 0, m->scratch + n, sizeof m->scratch - n,
		                           &other);
		if (k && r.decided_by < SMTPCODE_SIGNAL_PHRASE) {
			smtpcode_classify(m->scratch, n + k, m->stage, NULL, 0, &better);
			if (better.decided_by > r.decided_by && !(other && contradicts(&r, &better))) {
				r = better;
				text = m->scratch;
				len = n + k;
				flags |= SMTPCODE_RECIPIENT_FROM_TEXT;
			}
		}
		if (k && r.stage == SMTPCODE_STAGE_UNKNOWN) {
			smtpcode_classify(m->scratch + n, k, m->stage, NULL, 0, &better);
			if (better.stage != SMTPCODE_STAGE_UNKNOWN)
				smtpcode_classify(text, len, better.stage, NULL, 0, &r);
		}
	}
	m->dsn_records++;
	smtpcode__msg_emit(m, SMTPCODE_REPORT_DSN, addr, addr_len, cut || m->group_cut, action_of(m->action, m->action_len),
	                   text, len, m->group_line, flags, &r);
}

/* The length of a list's next address ("a@b,c@d", ZoneMTA's Final-Recipient
 * of several recipients), blanks around it left out; 0 when the piece is no
 * address. */
static size_t
listed_address(const char *s, size_t n, size_t *skip)
{
	size_t i = 0, end;

	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '<'))
		i++;
	*skip = i;
	end = i;
	while (end < n && s[end] != ',')
		end++;
	while (end > i && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '>'))
		end--;
	if (end - i < 3 || s[i] == '@' || s[end - 1] == '@' || !memchr(s + i, '@', end - i) || has_blank(s + i, end - i))
		return 0;
	return end - i;
}

/* Does the value list addresses, two or more, each between commas? The
 * last may be a piece of one, when the value was `cut` short. */
static int
address_list(const char *v, size_t n, int cut)
{
	size_t at = 0, len, skip, pieces = 0;

	for (;;) {
		len = listed_address(v + at, n - at, &skip);
		if (!len && !(cut && pieces > 1 && !memchr(v + at, ',', n - at)))
			return 0;
		pieces++;
		at += skip + len;
		while (at < n && v[at] != ',')
			at++;
		if (at == n)
			return pieces > 1;
		at++;
	}
}

/* The Final-Recipient's value, when it lists addresses. */
static int
listed_first(const struct smtpcode__msg *m, const char **addr, size_t *len)
{
	const char *v;
	size_t n;

	if (!m->rcpt_fields[0].len)
		return 0;
	field_value(&m->rcpt_fields[0], &v, &n);
	if (!memchr(v, ',', n) || !address_list(v, n, m->rcpt_fields[0].cut))
		return 0;
	*addr = v;
	*len = n;
	return 1;
}

/* A group ends: a record when it is about a recipient, one for each address
 * of a list. */
static void
group_end(struct smtpcode__msg *m)
{
	const char *addr;
	size_t addr_len, len, skip;
	int cut;

	if (!m->group_open ||
	    !(m->group_seen & (SEEN_FINAL | SEEN_ORIGINAL | SEEN_ACTUAL | SEEN_STATUS | SEEN_DIAGNOSTIC))) {
		group_clear(m);
		return;
	}
	group_address(m, &addr, &addr_len, &cut);
	if (listed_first(m, &addr, &addr_len)) {
		/* A list cut short ends in a piece of an address: left out (the
		 * message says that its fields were cut). */
		const char *end = addr + addr_len;
		while (addr < end) {
			const char *piece;
			len = listed_address(addr, (size_t)(end - addr), &skip);
			piece = addr + skip;
			for (addr = piece + len; addr < end && *addr != ',';)
				addr++;
			if (len && (addr < end || !m->rcpt_fields[0].cut))
				group_record(m, piece, len, 0);
			else
				m->problems |= SMTPCODE_MESSAGE_CUT;
			if (addr < end)
				addr++;
		}
	} else {
		group_record(m, addr, addr_len, cut);
	}
	group_clear(m);
}

/* Starts a field of the group. Groups that run together without their blank
 * line are told apart by a field the group has had already, or by an
 * Original-Recipient after the group's Diagnostic-Code (the last field of a
 * group, as mail systems write them). */
static void
group_field(struct smtpcode__msg *m, unsigned bit, uint64_t number)
{
	unsigned rcpt = m->group_seen & (SEEN_FINAL | SEEN_ORIGINAL | SEEN_ACTUAL);

	if (m->group_open && rcpt &&
	    ((m->group_seen & bit) || (bit == SEEN_ORIGINAL && (m->group_seen & SEEN_FINAL) &&
	                               (m->group_seen & SEEN_DIAGNOSTIC))))
		group_end(m);
	if (!m->group_open) {
		m->group_open = 1;
		m->group_line = number;
	}
	m->group_seen |= bit;
	m->group_last = bit;
}

void
smtpcode__msg_dsn_line(struct smtpcode__msg *m, const char *s, size_t len, uint64_t number)
{
	size_t v, n, blank = 0;
	int i;

	while (blank < len && (s[blank] == ' ' || s[blank] == '\t'))
		blank++;
	if (blank == len) {
		group_end(m);
		return;
	}
	if (blank > 0) { /* a folded line: unfolded with one space */
		if (!m->group_open)
			return;
		s += blank, len -= blank;
		if (m->group_keep) {
			add(m->group, sizeof m->group, &m->group_len, " ", 1, &m->group_cut);
			add(m->group, sizeof m->group, &m->group_len, s, len, &m->group_cut);
		}
		if (m->group_field) {
			struct smtpcode__rcpt_field *f = &m->rcpt_fields[m->group_field - 1];
			add(f->text, sizeof f->text, &f->len, " ", 1, &f->cut);
			add(f->text, sizeof f->text, &f->len, s, len, &f->cut);
		}
		return;
	}
	m->group_keep = 0;
	m->group_field = 0;
	n = smtpcode__msg_field_name(s, len, &v);
	if (n == 0)
		return;
	for (i = 0; i < 3; i++)
		if (smtpcode__msg_is(s, n, rcpt_names[i])) {
			/* Not in the text classified: its "rfc822;" is not a reply. */
			struct smtpcode__rcpt_field *f = &m->rcpt_fields[i];
			group_field(m, SEEN_FINAL << i, number);
			m->group_field = i + 1;
			f->len = 0;
			add(f->text, sizeof f->text, &f->len, s + v, len - v, &f->cut);
			return;
		}
	if (smtpcode__msg_is(s, n, "action")) {
		int cut = 0;
		group_field(m, SEEN_ACTION, number);
		m->action_len = 0;
		add(m->action, sizeof m->action, &m->action_len, s + v, len - v, &cut);
		m->group_keep = 1;
	} else if (smtpcode__msg_is(s, n, "status")) {
		group_field(m, SEEN_STATUS, number);
		m->group_keep = 1;
	} else if (smtpcode__msg_is(s, n, "diagnostic-code")) {
		group_field(m, SEEN_DIAGNOSTIC, number);
		m->group_keep = 1;
	} else if (smtpcode__msg_is(s, n, "remote-mta")) {
		/* Exim gives the host twice, by name and by address ("X-ip;
		 * [192.0.2.1]:25"): a second in a row starts no other group. */
		if (!(m->group_seen & SEEN_REMOTE) || m->group_last != SEEN_REMOTE)
			group_field(m, SEEN_REMOTE, number);
		m->group_keep = 1;
	} else if (smtpcode__msg_is(s, n, "x-exim-diagnostic")) {
		/* Exim's own words for a failure no server's reply gave ("X-str; a
		 * TLS session is required, but the server did not offer TLS
		 * support"). Not a field that starts a recipient's group. */
		m->group_keep = 1;
	} else {
		return;
	}
	if (m->group_len > 0)
		add(m->group, sizeof m->group, &m->group_len, "\n", 1, &m->group_cut);
	add(m->group, sizeof m->group, &m->group_len, s, len, &m->group_cut);
}

void
smtpcode__msg_dsn_end(struct smtpcode__msg *m)
{
	group_end(m);
}

void
smtpcode__msg_feedback_recipient(struct smtpcode__msg *m, const char *addr, size_t n)
{
	/* Once each: a report names the same address as Original-Rcpt-To and
	 * Removal-Recipient. (The list is short: its size is fixed.) */
	if (smtpcode__msg_in_list(m->feedback_rcpt, m->feedback_rcpt_len, addr, n))
		return;
	if (m->feedback_rcpt_len + n + 1 <= sizeof m->feedback_rcpt) {
		memcpy(m->feedback_rcpt + m->feedback_rcpt_len, addr, n);
		m->feedback_rcpt_len += n;
		m->feedback_rcpt[m->feedback_rcpt_len++] = '\0';
		m->feedback_rcpt_count++;
	} else {
		m->problems |= SMTPCODE_MESSAGE_CUT;
	}
}

void
smtpcode__msg_feedback_line(struct smtpcode__msg *m, const char *s, size_t len)
{
	size_t v, n = smtpcode__msg_field_name(s, len, &v);
	struct smtpcode__addr a;
	size_t k;

	if (n == 0)
		return;
	if (smtpcode__msg_is(s, n, "feedback-type")) {
		for (k = v; k < len && k - v < sizeof m->feedback_type && s[k] != ' ' && s[k] != ';'; k++)
			;
		m->feedback_type_len = k - v;
		memcpy(m->feedback_type, s + v, m->feedback_type_len);
	} else if ((smtpcode__msg_is(s, n, "original-rcpt-to") || smtpcode__msg_is(s, n, "removal-recipient")) &&
	           smtpcode__msg_field_address(s + v, len - v, &a)) {
		smtpcode__msg_feedback_recipient(m, s + v + a.start, a.end - a.start);
	}
}
