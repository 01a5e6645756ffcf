/* The human-readable report of a bounce: which recipients it names and what
 * it says of each. Every mail system lists failed recipients in a few ways
 * (src/message_scan.re): an address alone on its line, or first on it, or
 * after a label such as "Could not be delivered to:". What follows an
 * address, up to the next one, is that recipient's text; a later line that
 * names a recipient again (a transcript's "<<< 550 <a@b>... User unknown")
 * is that recipient's too; lines before the first recipient are the
 * preamble. The report ends where the returned message starts: at a marker
 * of data/messages.toml ("--- Below this line is a copy of the message."),
 * or at two lines in a row that are header fields of a message. */
#include <string.h>

#include "carrier.h"
#include "message.h"
#include "smtpcode_message_markers.h"

#define OWNER_PREAMBLE 0xffffu
#define OWNER_ADDRESS 0xfffeu
#define OWNER_HANDED_ON 0xfffdu    /* a recipient whose record has gone: its lines are dropped */
#define CURRENT_HANDED_ON (-2)     /* m->current: the open block's record has gone */
#define ENTRY_HEAD 4u              /* owner and length, 16 bits each */
#define ADDRESSES_PER_LINE 8       /* of a line, at most this many are looked at */

/* Entries hold 16-bit owners and lengths; addr_at is 32 bits. */
typedef char smtpcode__msg_entries_fit[SMTPCODE__MSG_DECODED_MAX < 0xffff && SMTPCODE__MSG_ADDR_MAX < 0xffff &&
                                       SMTPCODE__MSG_RCPT_MAX < OWNER_ADDRESS && SMTPCODE__MSG_STORE_MAX < 0xffffffffu
                                   ? 1
                                   : -1];

/* A paragraph ends (a blank line, the report's or the part's end, the
 * recipients handed on): its recipient and alias are no longer beside the
 * lines that follow. */
static void
forget_paragraph(struct smtpcode__msg *m)
{
	m->para_rcpt = -1;
	m->para_wrapped = 0;
	m->alias_rcpt = -1;
	m->wrap_state = 0;
}

void
smtpcode__msg_text_reset(struct smtpcode__msg *m)
{
	m->text_done = 0;
	m->text_ended = 0;
	m->part_lines = 0;
	m->part_recipients = 0;
	m->text_kinds = 0;
	m->section = SMTPCODE__SECTION_NONE;
	m->section_rcpts = 0;
	m->held = 0;
	m->after_end = 0;
	m->current = -1;
	m->rcpt_count = 0;
	m->strong_count = 0;
	m->text_cut = 0;
	m->store_full = 0;
	m->xfr_handed_on = 0;
	m->preamble_len = 0;
	m->store_len = 0;
	m->session_open = 0;
	m->no_rcpt_next = 0;
	forget_paragraph(m);
}

/* ---- markers ---- */

/* One step of the automaton: the trie's edge for the byte's class, else the
 * failure links, down to a state near the root, whose full row says; a run
 * of white space stays where the first one led. (A failure link keeps the
 * class that led into a state, so the state it reaches never absorbs the
 * white space its deeper state did not.) */
static unsigned
step(unsigned s, unsigned char byte)
{
	unsigned c = smtpcode__msg_class[byte];

	if (s >= SMTPCODE__MSG_DENSE) {
		if (c == 1 && smtpcode__msg_label[s] == 1)
			return s;
		do {
			unsigned e = smtpcode__msg_edge_start[s], end = smtpcode__msg_edge_start[s + 1];
			for (; e < end; e++)
				if (smtpcode__msg_edge_class[e] == c)
					return smtpcode__msg_edge_next[e];
			s = smtpcode__msg_fail[s];
		} while (s >= SMTPCODE__MSG_DENSE);
	}
	return smtpcode__msg_dense[s * SMTPCODE__MSG_CLASSES + c];
}

/* The kinds of the markers in s[0..len); *recipient_end is set past the
 * first "recipient" label (0 when none), *no_recipient_end past the first
 * words that say the addresses after them are not recipients ("for more
 * information", "please contact"; SIZE_MAX when none), and
 * *no_recipient_last past the last such words. */
static unsigned
markers(const char *s, size_t len, size_t *recipient_end, size_t *no_recipient_end, size_t *no_recipient_last,
        unsigned *end_state)
{
	unsigned state = 0, marks = 0;
	size_t i;

	*recipient_end = 0;
	*no_recipient_end = *no_recipient_last = SIZE_MAX;
	for (i = 0; i < len; i++) {
		state = step(state, (unsigned char)s[i]);
		if (smtpcode__msg_state_kinds[state]) {
			unsigned k = smtpcode__msg_state_kinds[state];
			if ((k & SMTPCODE__MSG_RECIPIENT) && !*recipient_end)
				*recipient_end = i + 1;
			if (k & SMTPCODE__MSG_NO_RECIPIENT) {
				if (*no_recipient_end == SIZE_MAX)
					*no_recipient_end = i + 1;
				*no_recipient_last = i + 1;
			}
			marks |= k;
		}
	}
	*end_state = state;
	return marks & ~(unsigned)SMTPCODE__MSG_END_LINE;
}

/* The kinds of markers that begin at the end of the last line (the
 * automaton's state there, `from`) and end in s[0..len): words wrapped over
 * two lines ("your message could not" / "be delivered"). Once the automaton
 * is back at its root, what follows was matched with the line itself. */
static unsigned
wrapped_markers(unsigned from, const char *s, size_t len)
{
	unsigned state = from ? step(from, ' ') : 0, marks = 0;
	size_t i;

	for (i = 0; state != 0 && i < len; i++) {
		state = step(state, (unsigned char)s[i]);
		marks |= smtpcode__msg_state_kinds[state];
	}
	return marks & ~(unsigned)SMTPCODE__MSG_END_LINE;
}

unsigned
smtpcode__msg_line_kinds(const char *s, size_t len, unsigned *state)
{
	size_t unused, unused_too;
	unsigned wrapped = wrapped_markers(*state, s, len);

	return wrapped | markers(s, len, &unused, &unused_too, &unused_too, state);
}

/* The kinds of a subject's markers; of an automatic reply's prefix and a
 * bounce's words both, only the one that comes first ("Automatic reply:
 * Delivery failed - ..." is an automatic reply; "Undeliverable: Automatic
 * reply: ..." is a bounce of one). */
unsigned
smtpcode__msg_subject_kinds(const char *s, size_t len)
{
	const unsigned both = SMTPCODE__MSG_AUTO_REPLY_SUBJECT | SMTPCODE__MSG_BOUNCE;
	unsigned state = 0, marks = 0, first = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		state = step(state, (unsigned char)s[i]);
		marks |= smtpcode__msg_state_kinds[state];
		if (!first)
			first = marks & both;
	}
	marks &= ~(unsigned)SMTPCODE__MSG_END_LINE;
	if ((marks & both) == both && (first == SMTPCODE__MSG_AUTO_REPLY_SUBJECT || first == SMTPCODE__MSG_BOUNCE))
		marks &= ~(both & ~first);
	return marks;
}

/* The kinds that say something of the whole report, kept for its end. */
#define REPORT_KINDS (SMTPCODE__MSG_DELAY | SMTPCODE__MSG_FAILURE | SMTPCODE__MSG_COMPLAINT | SMTPCODE__MSG_BOUNCE)

unsigned
smtpcode__msg_kinds(const char *s, size_t len)
{
	size_t unused, unused_too;
	unsigned state;

	return markers(s, len, &unused, &unused_too, &unused_too, &state);
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* Is the line, without the dashes, equals signs, asterisks and blanks
 * around it, an "end-line" marker ("----- Original message -----")? */
static int
end_line(const char *s, size_t len)
{
	static const char frame[] = " \t-=*_#~<>[]().:";
	char folded[96];
	size_t n = 0, i;
	unsigned state = 0;

	while (len > 0 && memchr(frame, s[len - 1], sizeof frame - 1))
		len--;
	while (len > 0 && memchr(frame, s[0], sizeof frame - 1))
		s++, len--;
	if (len == 0 || len > sizeof folded)
		return 0;
	for (i = 0; i < len; i++) {
		if (is_blank((unsigned char)s[i]) && n > 0 && folded[n - 1] == ' ')
			continue;
		folded[n++] = is_blank((unsigned char)s[i]) ? ' ' : s[i];
	}
	for (i = 0; i < n; i++)
		state = step(state, (unsigned char)folded[i]);
	return smtpcode__msg_end_line[state] == n;
}

/* ---- the store: the report's lines, each with the recipient it is about ---- */

static void
put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)(v >> 8);
}

static unsigned
get16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static int
store_add(struct smtpcode__msg *m, unsigned owner, const char *s, size_t len)
{
	if (m->store_len + ENTRY_HEAD + len > sizeof m->store)
		return 0;
	put16(m->store + m->store_len, owner);
	put16(m->store + m->store_len + 2, (unsigned)len);
	memcpy(m->store + m->store_len + ENTRY_HEAD, s, len);
	m->store_len += ENTRY_HEAD + len;
	return 1;
}

/* Appends the lines of `owner` to out, a line break after each; returns the
 * bytes written. */
static size_t
gather(const struct smtpcode__msg *m, unsigned owner, char *out, size_t cap, int *cut)
{
	size_t at = 0, n = 0;

	while (at < m->store_len) {
		unsigned who = get16(m->store + at);
		size_t len = get16(m->store + at + 2);
		if (who == owner) {
			if (n + len + 1 > cap) {
				*cut = 1;
				break;
			}
			memcpy(out + n, m->store + at + ENTRY_HEAD, len);
			n += len;
			out[n++] = '\n';
		}
		at += ENTRY_HEAD + len;
	}
	return n;
}

/* ---- recipients ---- */

static int
rcpt_find(const struct smtpcode__msg *m, const char *s, size_t len, uint32_t hash)
{
	unsigned i;

	for (i = 0; i < m->rcpt_count; i++)
		if (m->rcpt[i].hash == hash &&
		    smtpcode__msg_same_address((const char *)m->store + m->rcpt[i].addr_at, m->rcpt[i].addr_len, s, len))
			return (int)i;
	return -1;
}

/* Do the two addresses have the same local part (case aside)? */
static int
same_local_part(const char *a, size_t a_len, const char *b, size_t b_len)
{
	const char *x = (const char *)memchr(a, '@', a_len), *y = (const char *)memchr(b, '@', b_len);
	size_t n = x ? (size_t)(x - a) : a_len;

	return smtpcode__msg_same_address(a, n, b, y ? (size_t)(y - b) : b_len);
}

/* Does the local part end in `tail` ("-request")? */
static int
ends_in(const char *s, size_t local, const char *tail)
{
	size_t n = strlen(tail);

	return local > n && smtpcode__msg_is(s + local - n, n, tail);
}

/* An address that is not a failed recipient, unless X-Failed-Recipients
 * names it: EXCLUDED_OWN, the bounce's own recipient (the sender of the
 * original message: a failed recipient only of a message sent to oneself);
 * EXCLUDED_SYSTEM, the mail system's own addresses and a mailing list's
 * command address ("list-request", fml's "list-ctl": a refusal tells the
 * sender to write there), unless `listed`: it starts a recipient's line
 * with a colon after it ("<list-request@example.org>:" of qmail, for a
 * subscription refused; fml's guide names its "list-ctl" alone on a line). */
enum { EXCLUDED_NOT, EXCLUDED_OWN, EXCLUDED_SYSTEM };

static int
excluded(const struct smtpcode__msg *m, const char *s, size_t len, int listed)
{
	const char *at = (const char *)memchr(s, '@', len);
	size_t local = at ? (size_t)(at - s) : len;

	if (m->xfr_count && smtpcode__msg_in_list(m->xfr, m->xfr_len, s, len))
		return EXCLUDED_NOT;
	if (smtpcode__msg_is(s, local, "mailer-daemon") || smtpcode__msg_is(s, local, "postmaster") ||
	    (!listed && (ends_in(s, local, "-request") || ends_in(s, local, "-ctl"))))
		return EXCLUDED_SYSTEM;
	return m->to_len && smtpcode__msg_same_address(m->to, m->to_len, s, len) ? EXCLUDED_OWN : EXCLUDED_NOT;
}

/* The store or the table is full and no delivery-status part will come to
 * use the recipients read: hands them on to make room, in the order they
 * were named. `keep` is the owner of the line to be stored (OWNER_PREAMBLE:
 * a new recipient's address); returns its new index, or OWNER_HANDED_ON. */
static unsigned flush(struct smtpcode__msg *m, unsigned keep);

static int
rcpt_add(struct smtpcode__msg *m, const char *s, size_t len, int weak, uint64_t line)
{
	struct smtpcode__rcpt *r;
	int cut = 0;

	if (len > SMTPCODE__MSG_ADDR_MAX) {
		len = SMTPCODE__MSG_ADDR_MAX;
		cut = 1;
	}
	if (m->rcpt_count == SMTPCODE__MSG_RCPT_MAX || m->store_len + ENTRY_HEAD + len > sizeof m->store) {
		if (weak)
			return -1;
		m->current = -1; /* the new recipient's block opens: all the others can go */
		flush(m, OWNER_PREAMBLE);
		m->store_full = 0;
		if (m->rcpt_count == SMTPCODE__MSG_RCPT_MAX || m->store_len + ENTRY_HEAD + len > sizeof m->store) {
			m->text_cut = 1;
			return -1;
		}
	}
	r = &m->rcpt[m->rcpt_count];
	r->line = line;
	r->addr_at = (uint32_t)(m->store_len + ENTRY_HEAD);
	r->addr_len = (uint16_t)len;
	r->weak = (uint8_t)weak;
	r->cut = (uint8_t)cut;
	r->section = m->section;
	r->hash = smtpcode__msg_hash(s, len);
	store_add(m, OWNER_ADDRESS, s, len);
	if (!weak)
		m->strong_count++;
	return (int)m->rcpt_count++;
}

/* The recipient k, named by an alias line, takes its final address: the
 * alias and the lines after it are that recipient's. 0 when the store has
 * no room for the address. */
static int
rcpt_rename(struct smtpcode__msg *m, unsigned k, const char *s, size_t len)
{
	struct smtpcode__rcpt *r = &m->rcpt[k];
	size_t at = m->store_len + ENTRY_HEAD;

	if (len > SMTPCODE__MSG_ADDR_MAX || !store_add(m, OWNER_ADDRESS, s, len))
		return 0;
	r->addr_at = (uint32_t)at;
	r->addr_len = (uint16_t)len;
	r->hash = smtpcode__msg_hash(s, len);
	return 1;
}

/* A line of the report for `owner`. When the store is full, the
 * recipients read are handed on to make room; if that frees none (one
 * recipient's text fills it), the rest of that text is dropped without
 * trying again until another recipient comes. */
static void
keep_line(struct smtpcode__msg *m, unsigned owner, const char *s, size_t len)
{
	if (m->subject_line)
		return;
	if (owner == OWNER_HANDED_ON) {
		m->text_cut = 1;
		return;
	}
	if (owner == OWNER_PREAMBLE) {
		if (m->preamble_len + len > SMTPCODE__MSG_PREAMBLE_MAX)
			return; /* a long preamble is boilerplate; its start says what matters */
		m->preamble_len += len;
	}
	if (store_add(m, owner, s, len))
		return;
	if (!m->store_full) {
		owner = flush(m, owner);
		if (owner != OWNER_HANDED_ON && store_add(m, owner, s, len))
			return;
		m->store_full = 1;
	}
	m->text_cut = 1;
}

/* ---- lines ---- */

/* The report ends: what follows is the returned message. */
static void
report_end(struct smtpcode__msg *m)
{
	m->text_ended = 1;
	m->after_end = 1;
	m->held_transport = 0;
	m->inline_bounce = 0;
	forget_paragraph(m);
}


/* Leading blanks and list marks ("* ", "- ", "-- " (Mimecast's), "• ",
 * ">>> ") of a line. */
static size_t
indent(const char *s, size_t len)
{
	size_t i = 0;

	for (;;) {
		while (i < len && is_blank((unsigned char)s[i]))
			i++;
		if (i + 1 < len && (s[i] == '*' || s[i] == '-' || s[i] == '>') &&
		    (is_blank((unsigned char)s[i + 1]) || s[i + 1] == '>' ||
		     (s[i] == '-' && s[i + 1] == '-' && i + 2 < len && is_blank((unsigned char)s[i + 2])))) {
			while (i < len && (s[i] == '>' || s[i] == '*' || s[i] == '-'))
				i++;
			continue;
		}
		if (i + 3 <= len && (unsigned char)s[i] == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
		    (unsigned char)s[i + 2] == 0xa2) {
			i += 3; /* U+2022 BULLET */
			continue;
		}
		return i;
	}
}

/* Does the word "to" (or its word in the languages of the bounces that say
 * "your message to <a@b> could not be delivered": "an", "aan", "à", "a",
 * "para") end at s[i], with no letter before it? */
static int
to_before(const char *s, size_t i)
{
	static const char words[][5] = {"to", "an", "aan", "\xc3\xa0", "a", "para"};
	size_t w, n;

	for (w = 0; w < sizeof words / sizeof words[0]; w++) {
		n = strlen(words[w]);
		if (i >= n && smtpcode__msg_is(s + i - n, n, words[w]) &&
		    (i == n || (unsigned)(((unsigned char)s[i - n - 1] | 0x20) - 'a') >= 26u))
			return 1;
	}
	return 0;
}

/* Is the address at [a.start, a.end) of s named as a recipient in passing:
 * after "to" ("your message to <a@b> could not be delivered"), in angle
 * brackets, or after a colon ("Invalid userid: a@b")? */
static int
in_passing(const char *s, size_t len, struct smtpcode__addr a)
{
	size_t i = a.start, end = a.end;

	if (i > 0 && s[i - 1] == '<' && end < len && s[end] == '>')
		return 1;
	while (end < len && (s[end] == '>' || s[end] == '.' || s[end] == ')' || is_blank((unsigned char)s[end])))
		end++;
	while (i > 0 && (s[i - 1] == '<' || s[i - 1] == '(' || is_blank((unsigned char)s[i - 1])))
		i--;
	if (i > 0 && s[i - 1] == ':')
		return 1;
	return i < a.start && to_before(s, i);
}

/* A transcript session ("While talking to mx.example.org:") that comes just
 * before a recipient's own line is about that recipient (Sendmail v5 writes
 * the session, then "554 <a@example.org>... Remote protocol error"): its
 * lines, stored for the block that was open, go to the recipient now named. */
static void
session_to(struct smtpcode__msg *m, unsigned k)
{
	unsigned from = m->current >= 0 ? (unsigned)m->current : OWNER_PREAMBLE;
	size_t at = m->session_at;

	m->session_open = 0;
	if (from == k)
		return;
	while (at < m->store_len) {
		size_t len = get16(m->store + at + 2);
		if (get16(m->store + at) == from) {
			put16(m->store + at, k);
			if (from == OWNER_PREAMBLE)
				m->preamble_len -= len;
		}
		at += ENTRY_HEAD + len;
	}
}

/* Does s[0..len) end with a label, not a cause: an SMTP command that takes
 * an address (a transcript's ">>> RCPT To:<a@b>"), or "address" ("Forwarding
 * address: a@b")? */
static int
ends_with_label(const char *s, size_t len)
{
	static const char labels[][10] = {"rcpt to", "mail from", "address"};
	size_t i, n;

	while (len > 0 && is_blank((unsigned char)s[len - 1]))
		len--;
	for (i = 0; i < sizeof labels / sizeof labels[0]; i++) {
		n = strlen(labels[i]);
		if (len >= n && smtpcode__msg_is(s + len - n, n, labels[i]))
			return 1;
	}
	return 0;
}

/* Do the words s[0..len) name a cause of a failure that the classifier
 * knows (not a success, not nothing)? */
static int
names_cause(const char *s, size_t len)
{
	struct smtpcode_result r;

	return smtpcode_classify(s, len, SMTPCODE_STAGE_UNKNOWN, NULL, 0, &r) == 0 &&
	       r.decided_by != SMTPCODE_SIGNAL_NONE && r.reason != SMTPCODE_REASON_ACCEPTED;
}

/* "Unknown user: a@example.com" (IMail): a cause, a colon, and the address
 * that ends the line, the only one in it. Not a field of a header or a DSN
 * shown in a summary ("To: a@b", "Message-Id: <...>"), nor a comment
 * ("(expanded from: <a@b>)"), nor words that name no cause ("Contact: a@b",
 * "Sent by: a@b"). 1 and *a, or 0. */
static int
cause_then_address(const char *s, size_t len, struct smtpcode__addr *a)
{
	size_t start = indent(s, len), end = len, colon, i, k, v, n;
	int letter = 0;

	while (end > start && (is_blank((unsigned char)s[end - 1]) || s[end - 1] == '.'))
		end--;
	if (end > start && s[end - 1] == '>')
		end--;
	for (colon = end; colon > start && s[colon - 1] != ':'; colon--)
		;
	if (colon < start + 4 || s[start] == '(')
		return 0;
	n = smtpcode__msg_field_name(s + start, len - start, &v);
	if (n && (smtpcode__msg_mail_field(s + start, n) || smtpcode__msg_dsn_field(s + start, n)))
		return 0;
	if (ends_with_label(s + start, colon - 1 - start))
		return 0;
	for (k = start; k < colon - 1; k++) {
		if (s[k] == '@')
			return 0;
		letter |= (unsigned)(((unsigned char)s[k] | 0x20) - 'a') < 26u;
	}
	for (i = colon; i < end && (is_blank((unsigned char)s[i]) || s[i] == '<'); i++)
		;
	if (!letter || !smtpcode__msg_field_address(s + i, end - i, a) || a->start != 0 || i + a->end != end)
		return 0;
	if (!names_cause(s + start, colon - 1 - start))
		return 0;
	a->start += i;
	a->end += i;
	return 1;
}

/* "a@example.com - no such user here." (MDaemon), "a@example.com Error
 * Type: SMTP ... Could not connect" (hMailServer): an address that starts
 * the line, a blank or a dash, and words the classifier knows as a cause
 * (not a signature's "a@b - Sales"). 1, *a and *rest, or 0. */
static int
address_dash_cause(const char *s, size_t len, struct smtpcode__addr *a, size_t *rest)
{
	size_t start = indent(s, len), i;

	if (!smtpcode__msg_field_address(s + start, len - start, a) || a->start != 0)
		return 0;
	for (i = start + a->end; i < len && is_blank((unsigned char)s[i]); i++)
		;
	if (i == start + a->end || i == len)
		return 0;
	if (i + 2 <= len && s[i] == '-' && is_blank((unsigned char)s[i + 1]))
		i += 2;
	if (!names_cause(s + i, len - i))
		return 0;
	a->start += start;
	a->end += start;
	*rest = i;
	return 1;
}

/* Does a colon follow the address that ends at `end` ("<a@b>:", qmail's
 * recipient line), not only its closing bracket? */
static int
colon_after(const char *s, size_t len, size_t end)
{
	if (end < len && s[end] == '>')
		end++;
	return end < len && s[end] == ':';
}

/* A recipient named at the start of a line (or after a label): the lines
 * that follow are its text. */
static void
open_block(struct smtpcode__msg *m, const char *s, size_t len, struct smtpcode__addr a, size_t rest, uint64_t number)
{
	const char *addr = s + a.start;
	size_t addr_len = a.end - a.start;
	int k = rcpt_find(m, addr, addr_len, smtpcode__msg_hash(addr, addr_len));

	if (k < 0 && m->alias_rcpt >= 0 && rcpt_rename(m, (unsigned)m->alias_rcpt, addr, addr_len))
		k = m->alias_rcpt; /* "Original-Recipient: alias", then its final address */
	m->alias_rcpt = -1;
	if (k >= 0 && m->rcpt[k].weak) {
		m->rcpt[k].weak = 0;
		m->rcpt[k].section = m->section;
		m->strong_count++;
	}
	if (k < 0)
		k = rcpt_add(m, addr, addr_len, 0, number);
	if (k < 0)
		return;
	m->para_rcpt = k;
	if (m->session_open)
		session_to(m, (unsigned)k);
	if (k == m->current) {
		/* Named again in its own text ("after RCPT TO:\n<a@b>:"): a line of it. */
		keep_line(m, (unsigned)k, s, len);
		return;
	}
	m->current = k;
	m->store_full = 0; /* another recipient: handing on the others may make room */
	m->part_recipients++;
	while (rest < len && is_blank((unsigned char)s[rest]))
		rest++;
	if (rest < len)
		keep_line(m, (unsigned)k, s + rest, len - rest);
}

static void
report_line(struct smtpcode__msg *m, const char *s, size_t len, uint64_t number, int continued)
{
	size_t at, label_end, no_rcpt_end, no_rcpt_last, rest = (size_t)-1;
	unsigned marks, owner, i, count;
	struct smtpcode__addr a = {0, 0};
	int strong = 0, found, why = EXCLUDED_NOT, named = 0, listed = 0;

	while (len > 0 && (is_blank((unsigned char)s[len - 1]) || s[len - 1] == '\r'))
		len--;
	if (len == 0) {
		forget_paragraph(m);
		return;
	}
	m->part_lines++;
	if (!continued && len == 2 && s[0] == '-' && s[1] == '-' && m->rcpt_count > 0) {
		/* "-- ", a signature's delimiter (RFC 3676): the report has ended,
		 * and the addresses below are the mail system's own. Not before a
		 * recipient is named: there, a "--" is a rule under a heading. */
		report_end(m);
		return;
	}
	if (!continued && len > 20 && m->rcpt_count > 0 && !memcmp(s, "__________", 10) &&
	    !memcmp(s + len - 10, "__________", 10) && s[len / 2] != '_') {
		/* A heading framed in underscores under what is said of a
		 * recipient starts a scanner's footer ("__________ Information
		 * from ESET NOD32 Antivirus __________"), not more of the report.
		 * (A rule alone does not: Exchange's "Sent by Microsoft Exchange
		 * Server 2007" and its diagnostics follow one.) */
		report_end(m);
		return;
	}
	/* A report's words wrapped over two lines say what they say on one. */
	if (!continued)
		m->text_kinds |= wrapped_markers(m->wrap_state, s, len) & REPORT_KINDS;
	marks = markers(s, len, &label_end, &no_rcpt_end, &no_rcpt_last, &m->wrap_state);
	if (m->no_rcpt_next && !continued) {
		/* "A message sent by" / (blank) / "  <sender@b>" (Exim, when the
		 * bounce goes to another address than the sender's). */
		marks |= SMTPCODE__MSG_NO_RECIPIENT;
		no_rcpt_end = 0;
	}
	if (!continued) {
		/* Do such words end the line, but for blanks and a colon? */
		while (no_rcpt_last < len && (s[no_rcpt_last] == ' ' || s[no_rcpt_last] == '\t' || s[no_rcpt_last] == ':'))
			no_rcpt_last++;
		m->no_rcpt_next = (marks & SMTPCODE__MSG_NO_RECIPIENT) && no_rcpt_end && no_rcpt_last == len;
	}
	m->text_kinds |= marks & REPORT_KINDS;
	/* A delay's words do not undo a failure's before any recipient is named
	 * under it: MDaemon's "PERMANENT fatal delivery errors" is followed by
	 * "YOU DO NOT NEED TO RESEND YOUR MESSAGE TO THE ADDRESSES LISTED BELOW". */
	if (marks & SMTPCODE__MSG_FAILURE) {
		m->section = SMTPCODE__SECTION_FAILED;
		m->section_rcpts = m->rcpt_count;
	} else if ((marks & SMTPCODE__MSG_DELAY) &&
	           !(m->section == SMTPCODE__SECTION_FAILED && m->section_rcpts == m->rcpt_count)) {
		m->section = SMTPCODE__SECTION_DELAYED;
		m->section_rcpts = m->rcpt_count;
	} else if (marks & SMTPCODE__MSG_DELIVERED) {
		/* A report of mixed outcomes lists the recipients it delivered to
		 * under a heading of their own (Sendmail's "had successful delivery
		 * notifications"). */
		m->section = SMTPCODE__SECTION_DELIVERED;
		m->section_rcpts = m->rcpt_count;
	} else if ((marks & SMTPCODE__MSG_BOUNCE) && m->section == SMTPCODE__SECTION_DELIVERED) {
		/* "... could not be delivered to the following recipients:" after
		 * them heads others. */
		m->section = SMTPCODE__SECTION_NONE;
		m->section_rcpts = m->rcpt_count;
	}
	if ((marks & SMTPCODE__MSG_END) || (!continued && end_line(s, len))) {
		report_end(m);
		return;
	}
	if (marks & SMTPCODE__MSG_SESSION) {
		/* Of sessions in a row, the last is the next recipient's. */
		m->session_open = 1;
		m->session_at = m->store_len;
	}
	owner = m->current >= 0                    ? (unsigned)m->current
	        : m->current == CURRENT_HANDED_ON ? OWNER_HANDED_ON
	                                          : OWNER_PREAMBLE;
	if (!continued && m->para_wrapped && m->current >= 0 && m->para_rcpt == m->current && indent(s, len) > 0) {
		/* Postfix wraps a recipient's text under its "<a@b>: host ...
		 * said: 550 5.1.8" line, indented: a wrapped line that starts with
		 * an address ("    <sender@b>: Sender address rejected") is more of
		 * that text, not another recipient. */
		keep_line(m, (unsigned)m->current, s, len);
		return;
	}
	if (!continued) {
		at = indent(s, len);
		if (!(marks & SMTPCODE__MSG_NO_RECIPIENT && no_rcpt_end == 0) &&
		    smtpcode__msg_recipient_line(s + at, len - at, &a, &rest)) {
			a.start += at, a.end += at, rest += at;
			named = listed = 1;
		} else if ((marks & SMTPCODE__MSG_RECIPIENT) && label_end) {
			/* "Could not be delivered to: <a@b>": the address right after the label. */
			size_t p = label_end;
			while (p < len && (is_blank((unsigned char)s[p]) || s[p] == '<' || s[p] == '"' || s[p] == '\''))
				p++;
			if (smtpcode__msg_field_address(s + p, len - p, &a) && a.start <= 8) {
				a.start += p, a.end += p;
				rest = a.end;
				while (rest < len && (s[rest] == '>' || s[rest] == '"' || s[rest] == '\''))
					rest++;
				named = 1;
			}
		} else if (!(marks & SMTPCODE__MSG_NO_RECIPIENT) && address_dash_cause(s, len, &a, &rest)) {
			named = 1;
		} else if (!(marks & SMTPCODE__MSG_NO_RECIPIENT) && cause_then_address(s, len, &a)) {
			rest = 0; /* the cause is the recipient's text */
			named = 1;
		}
		if (named) {
			/* Only qmail's "<list-request@b>:" line lists a command address
			 * as a recipient (excluded()). */
			why = excluded(m, s + a.start, a.end - a.start, listed && colon_after(s, len, a.end));
			strong = why == EXCLUDED_NOT;
		}
		if (strong && (marks & SMTPCODE__MSG_ALIAS)) {
			if (m->para_rcpt >= 0 && m->para_rcpt == m->current) {
				/* Another name of the recipient whose block is open. */
				keep_line(m, (unsigned)m->current, s, len);
				return;
			}
			count = m->rcpt_count;
			open_block(m, s, len, a, rest, number);
			if (m->rcpt_count > count)
				m->alias_rcpt = (int)count;
			return;
		}
		if (strong) {
			open_block(m, s, len, a, rest, number);
			m->para_wrapped = at == 0 && listed && colon_after(s, len, a.end) && m->para_rcpt == m->current;
			return;
		}
		if (why == EXCLUDED_OWN) {
			/* Listed as a recipient, but the bounce's own recipient: kept
			 * apart, for a report that names no one else (a message sent
			 * to oneself). */
			const char *addr = s + a.start;
			size_t addr_len = a.end - a.start;
			if (rcpt_find(m, addr, addr_len, smtpcode__msg_hash(addr, addr_len)) < 0)
				rcpt_add(m, addr, addr_len, 2, number);
		}
	}
	/* A line that names a recipient already known is about that one. */
	at = 0;
	for (i = 0; i < ADDRESSES_PER_LINE && smtpcode__msg_next_address(s, len, at, &a); i++, at = a.end) {
		const char *addr = s + a.start;
		size_t addr_len = a.end - a.start;
		int k = rcpt_find(m, addr, addr_len, smtpcode__msg_hash(addr, addr_len));
		if (k >= 0 && !m->rcpt[k].weak) {
			owner = (unsigned)k;
			break;
		}
		found = k >= 0;
		/* Named before any words that say the addresses after them are
		 * the mail system's ("... delivered to a@b because ... See the
		 * details below for more information"). */
		if (!found && !continued && a.end < no_rcpt_end && in_passing(s, len, a) &&
		    !excluded(m, addr, addr_len, 0))
			rcpt_add(m, addr, addr_len, 1, number);
	}
	keep_line(m, owner, s, len);
}

/* A line that looks like a header field of a message: 2 for a field a
 * returned message's header starts with (Received, Return-Path, X-...), 1
 * for one a report may show in a summary of the message (To, Subject,
 * Date), else 0. */
static int
mail_header_line(const char *s, size_t len)
{
	size_t v, n;

	if (len == 0 || is_blank((unsigned char)s[0]))
		return 0;
	n = smtpcode__msg_field_name(s, len, &v);
	if (n == 0 || !smtpcode__msg_mail_field(s, n))
		return 0;
	return smtpcode__msg_is(s, n, "to") || smtpcode__msg_is(s, n, "cc") || smtpcode__msg_is(s, n, "bcc") ||
	               smtpcode__msg_is(s, n, "from") || smtpcode__msg_is(s, n, "date") ||
	               smtpcode__msg_is(s, n, "subject") || smtpcode__msg_is(s, n, "reply-to") ||
	               smtpcode__msg_is(s, n, "sender")
	           ? 1
	           : 2;
}

/* Is the line a From: field that names a mail system ("From: Mail Delivery
 * Subsystem <mailer-daemon@...>"), as a bounce forwarded in a text has? */
static int
daemon_from(const char *s, size_t len)
{
	size_t v, n = smtpcode__msg_field_name(s, len, &v);

	return n && smtpcode__msg_is(s, n, "from") && (smtpcode__msg_kinds(s + v, len - v) & SMTPCODE__MSG_DAEMON);
}

/* A line of the returned message's header, after the report's end: only its
 * To: is read, for a bounce that names no recipient itself. */
static void
returned_line(struct smtpcode__msg *m, const char *s, size_t len)
{
	size_t v, n;
	struct smtpcode__addr a;

	if (m->after_end == 2)
		return;
	while (len > 0 && (s[len - 1] == '\r' || is_blank((unsigned char)s[len - 1])))
		len--;
	if (len == 0) {
		if (m->after_end == 1 && m->held_transport) {
			m->after_end = 2; /* the header's end */
			if (m->inline_bounce && !m->text_flushed &&
			    (!m->strong_count || !smtpcode__msg_outer_is_report(m))) {
				/* Not the returned message but a bounce forwarded in the
				 * text: its report is read on. In a person's message the
				 * note above it ("their accounts@ gave me '552 mailbox
				 * full'", a signature) was no report: forgotten. */
				if (!smtpcode__msg_outer_is_report(m))
					smtpcode__msg_text_reset(m);
				m->text_ended = 0;
				m->after_end = 0;
			}
		}
		return;
	}
	if (is_blank((unsigned char)s[0]))
		return;
	n = smtpcode__msg_field_name(s, len, &v);
	if (n == 0) {
		if (m->held_transport)
			m->after_end = 2;
		return;
	}
	m->held_transport = 1; /* here: a field of the header has been seen */
	if (daemon_from(s, len))
		m->inline_bounce = m->daemon_forwarded = 1;
	else if (smtpcode__msg_is(s, n, "subject") && (smtpcode__msg_kinds(s + v, len - v) & SMTPCODE__MSG_BOUNCE))
		m->inline_bounce = 1;
	if (smtpcode__msg_is(s, n, "to") && !m->original_to_len && smtpcode__msg_field_address(s + v, len - v, &a) &&
	    a.end - a.start <= sizeof m->original_to) {
		memcpy(m->original_to, s + v + a.start, a.end - a.start);
		m->original_to_len = a.end - a.start;
	}
}

/* A line of the report that is a Subject field: of the bounce, pasted with
 * it, or of the returned message in a summary. Either way the words are a
 * subject's ("Mail System Error - Returned Mail", a newsletter's title), not
 * what the mail system says of a recipient: they are read for its markers
 * and addresses, and never classified. */
static void
summary_line(struct smtpcode__msg *m, const char *s, size_t len, uint64_t number, int continued)
{
	size_t v, n = 0, at = 0;

	/* At the line's start, or indented under "The following message ...:".
	 * (Every line of a report comes here: only one that starts with an S
	 * is looked at further.) */
	while (at < len && is_blank((unsigned char)s[at]))
		at++;
	if (!continued && at < len && (s[at] | 0x20) == 's')
		n = smtpcode__msg_field_name(s + at, len - at, &v);
	m->subject_line = n > 0 && smtpcode__msg_is(s + at, n, "subject");
	report_line(m, s, len, number, continued);
	m->subject_line = 0;
}

/* Lines that look like header fields of a message are held back one line:
 * two of them in a row, one of them a field that a returned header starts
 * with, are the returned message's header, not the report. */
void
smtpcode__msg_text_line(struct smtpcode__msg *m, const char *s, size_t len, uint64_t number, int continued)
{
	if (m->json_mode == 0 && m->body == SMTPCODE__BODY_TEXT) {
		/* A part that starts with '{' is a JSON notification (Amazon SES). */
		size_t i = 0;
		while (i < len && (is_blank((unsigned char)s[i]) || s[i] == '\r'))
			i++;
		if (i < len) {
			m->json_mode = s[i] == '{' ? 1 : -1;
			if (m->json_mode == 1)
				smtpcode__msg_json_reset(m);
		}
	}
	if (m->json_mode == 1) {
		smtpcode__msg_json_line(m, s, len, number, continued);
		return;
	}
	if (m->text_ended) {
		if (!continued)
			returned_line(m, s, len);
		return;
	}
	if (!continued) {
		int header = mail_header_line(s, len);
		if (header == 1 && daemon_from(s, len))
			m->daemon_forwarded = 1;
		if (m->held) {
			int folded = len > 0 && is_blank((unsigned char)s[0]);
			if ((header && (header == 2 || m->held_transport)) || (folded && m->held_transport)) {
				m->held = 0;
				report_end(m);
				returned_line(m, m->held_text, m->held_len);
				returned_line(m, s, len);
				return;
			}
			m->held = 0;
			summary_line(m, m->held_text, m->held_len, m->held_line, 0);
			if (m->text_ended)
				return;
		}
		if (header && len <= sizeof m->held_text) {
			memcpy(m->held_text, s, len);
			m->held_len = len;
			m->held_line = number;
			m->held_transport = header == 2;
			m->held = 1;
			return;
		}
	} else if (m->held) {
		m->held = 0;
		summary_line(m, m->held_text, m->held_len, m->held_line, 0);
	}
	summary_line(m, s, len, number, continued);
}

void
smtpcode__msg_text_part_end(struct smtpcode__msg *m)
{
	if (m->json_mode == 1) {
		smtpcode__msg_json_end(m);
		m->json_mode = 0;
		m->text_done = 1;
		return;
	}
	m->json_mode = 0;
	if (m->held) {
		m->held = 0;
		summary_line(m, m->held_text, m->held_len, m->held_line, 0);
	}
	/* A part that names a recipient is the report: later text parts (the
	 * HTML twin of a text part, the returned message's own text) are not. A
	 * multipart's preamble never is. */
	if (m->body != SMTPCODE__BODY_PREAMBLE && m->part_recipients > 0)
		m->text_done = 1;
	m->text_ended = 0;
	m->after_end = 0;
	forget_paragraph(m);
}

/* ---- what the report says of a recipient ---- */

size_t
smtpcode__msg_text_for(struct smtpcode__msg *m, const char *addr, size_t addr_len, int only, char *out, size_t cap,
                       int *other)
{
	int k = -1, cut = 0;
	unsigned i;

	*other = 0;
	if (addr_len)
		k = rcpt_find(m, addr, addr_len, smtpcode__msg_hash(addr, addr_len));
	if (k >= 0 && m->rcpt[k].weak) {
		/* Named only in passing: what is said of it is in the preamble,
		 * not in the block of another recipient the report lists. */
		return only ? gather(m, OWNER_PREAMBLE, out, cap, &cut) : 0;
	}
	if (k < 0 && only && m->strong_count <= 1) {
		for (i = 0; i < m->rcpt_count && k < 0; i++)
			if (!m->rcpt[i].weak)
				k = (int)i;
		/* The one recipient the text lists is this one under another
		 * domain (an alias rewritten on the way) only if its local part
		 * is the same; else it is another recipient, whose own group may
		 * follow (Exchange names some by their display names only). */
		if (k >= 0 && !same_local_part((const char *)m->store + m->rcpt[k].addr_at, m->rcpt[k].addr_len, addr,
		                               addr_len))
			k = -1;
		*other = k >= 0;
		if (k < 0)
			return gather(m, OWNER_PREAMBLE, out, cap, &cut);
	}
	if (k < 0)
		return 0;
	return gather(m, (unsigned)k, out, cap, &cut);
}

int
smtpcode__msg_text_only_recipient(struct smtpcode__msg *m, const char **addr, size_t *len)
{
	unsigned i;

	if (m->strong_count != 1)
		return 0;
	for (i = 0; i < m->rcpt_count; i++)
		if (!m->rcpt[i].weak) {
			*addr = (const char *)m->store + m->rcpt[i].addr_at;
			*len = m->rcpt[i].addr_len;
			return 1;
		}
	return 0;
}

/* Does the message itself say it is a bounce (rather than any mail with an
 * address on a line of its own)? */
static int
bounce_like(const struct smtpcode__msg *m)
{
	const unsigned bounce_kinds = SMTPCODE__MSG_BOUNCE | SMTPCODE__MSG_FAILURE | SMTPCODE__MSG_DELAY;

	/* A mailing list's post speaks of bounces it quotes: only its header,
	 * its structure, or a subject that forwards a bounce ("Fwd: Delivery
	 * Status Notification (Failure)") above the bounce's own forwarded
	 * header would say it is one. */
	return m->is_report || m->from_daemon || m->xfr_count ||
	       (!m->list_post && ((m->subject_kinds | m->text_kinds) & bounce_kinds)) ||
	       (m->subject_forwarded && (m->subject_kinds & bounce_kinds) && m->daemon_forwarded);
}

static enum smtpcode_dsn_action
text_action(const struct smtpcode__msg *m)
{
	unsigned marks = m->text_kinds | m->subject_kinds;

	return (marks & SMTPCODE__MSG_DELAY) && !(m->text_kinds & SMTPCODE__MSG_FAILURE) ? SMTPCODE_DSN_DELAYED
	                                                                                  : SMTPCODE_DSN_FAILED;
}

/* The action of the recipient `owner`: in a report that lists failures and
 * delays both, that of the part it is listed in; else the report's. */
static enum smtpcode_dsn_action
rcpt_action(const struct smtpcode__msg *m, unsigned owner)
{
	unsigned mixed = SMTPCODE__MSG_FAILURE | SMTPCODE__MSG_DELAY;

	if (owner < m->rcpt_count && m->rcpt[owner].section == SMTPCODE__SECTION_DELIVERED)
		return SMTPCODE_DSN_DELIVERED;
	if (owner < m->rcpt_count && (m->text_kinds & mixed) == mixed && m->rcpt[owner].section)
		return m->rcpt[owner].section == SMTPCODE__SECTION_FAILED ? SMTPCODE_DSN_FAILED : SMTPCODE_DSN_DELAYED;
	return text_action(m);
}

/* One record: the recipient's own lines, with the preamble when they name no
 * cause; in a message that does not say it is a bounce, only a record whose
 * text holds a failure. */
static void
text_record(struct smtpcode__msg *m, unsigned owner, const char *addr, size_t addr_len, int cut, uint64_t line,
            unsigned flags, int need_cause)
{
	struct smtpcode_result r, better;
	const char *text = m->scratch;
	size_t n = 0, p;
	int rc, rc2, text_cut = 0;
	/* A failure report (not a delay notice) around a transient reply: the
	 * sending side gave up on it. */
	enum smtpcode_dsn_action action = rcpt_action(m, owner);
	int gave_up = action == SMTPCODE_DSN_FAILED && bounce_like(m) ? SMTPCODE__GIVEN_UP
	              : action == SMTPCODE_DSN_DELAYED                ? SMTPCODE__RETRIED
	                                                              : 0;

	if (owner != OWNER_PREAMBLE)
		n = gather(m, owner, m->scratch, SMTPCODE__MSG_BLOCK_MAX, &text_cut);
	rc = smtpcode__classify_report(m->scratch, n, m->stage, gave_up, &r);
	if (r.decided_by < SMTPCODE_SIGNAL_PHRASE && m->preamble_len) {
		/* The preamble first, then the recipient's lines, where the record
		 * says more with it. (The record's spans point into the text it
		 * was classified from: `both` stays where it is.) */
		char *both = m->scratch + SMTPCODE__MSG_BLOCK_MAX;
		size_t room = sizeof m->scratch - SMTPCODE__MSG_BLOCK_MAX;
		p = gather(m, OWNER_PREAMBLE, both, room, &text_cut);
		if (n && p + n <= room) {
			memcpy(both + p, m->scratch, n);
			p += n;
		}
		rc2 = smtpcode__classify_report(both, p, m->stage, gave_up, &better);
		if (better.decided_by > r.decided_by || n == 0) {
			text = both;
			n = p;
			r = better;
			rc = rc2;
		}
	}
	if (r.stage == SMTPCODE_STAGE_UNKNOWN && m->stage == SMTPCODE_STAGE_UNKNOWN && m->preamble_len &&
	    text == m->scratch && n && m->strong_count == 1) {
		/* The stage the preamble names ("mx.example.org did not like our
		 * RCPT TO:"), where the only recipient's own lines name none. (With
		 * more, a transcript before their lines may be another's.) */
		char *pre = m->scratch + SMTPCODE__MSG_BLOCK_MAX;
		p = gather(m, OWNER_PREAMBLE, pre, sizeof m->scratch - SMTPCODE__MSG_BLOCK_MAX, &text_cut);
		smtpcode_classify(pre, p, SMTPCODE_STAGE_UNKNOWN, NULL, 0, &better);
		if (better.stage != SMTPCODE_STAGE_UNKNOWN)
			rc = smtpcode__classify_report(m->scratch, n, better.stage, gave_up, &r);
	}
	if ((need_cause || !bounce_like(m)) &&
	    (rc != 0 || r.reason == SMTPCODE_REASON_ACCEPTED || r.reason == SMTPCODE_REASON_UNKNOWN))
		return;
	/* Listed as delivered: a record only where its text says so too (a 250). */
	if (action == SMTPCODE_DSN_DELIVERED && r.reason != SMTPCODE_REASON_ACCEPTED)
		return;
	/* Mail that does not say it is a bounce (no mail system's sender, no
	 * bounce subject, no failure wording) needs a reply code in the text,
	 * not only a phrase: people write "mailbox full" too. A mailing list's
	 * post gives none: its people quote bounces to ask about them. Text
	 * with no header at all needs a recipient listed on a line of its own
	 * too: a recipient's paragraph pasted alone has one, a log line not. */
	if (!bounce_like(m) && (m->list_post || (m->headless && (owner == OWNER_PREAMBLE || !addr_len)) ||
	                        (!r.reply.code && !r.reply.enhanced.cls)))
		return;
	/* A permanent refusal of the recipient or the message in a report that
	 * says only that it will retry is a recipient listed under a failure's
	 * heading the report's words did not make known ("... and we have
	 * stopped trying:"). (A server that refuses the session, at its greeting
	 * or EHLO, is retried: Postfix tries the next.) */
	if (action == SMTPCODE_DSN_DELAYED && r.reply.code >= 500 && r.reply.code < 600 &&
	    r.stage != SMTPCODE_STAGE_CONNECT && r.stage != SMTPCODE_STAGE_EHLO && !(m->text_kinds & SMTPCODE__MSG_FAILURE))
		action = SMTPCODE_DSN_FAILED;
	smtpcode__msg_emit(m, SMTPCODE_REPORT_TEXT, addr, addr_len, cut || text_cut, action, text, n, line,
	                   flags | SMTPCODE_RECIPIENT_FROM_TEXT, &r);
}

static void
rcpt_record(struct smtpcode__msg *m, unsigned i)
{
	const struct smtpcode__rcpt *r = &m->rcpt[i];

	text_record(m, i, (const char *)m->store + r->addr_at, r->addr_len, r->cut, r->line, 0, 0);
}

/* The recipients X-Failed-Recipients names and the text does not (yet):
 * with the whole report, as the header is above it. */
static void
xfr_only_records(struct smtpcode__msg *m)
{
	size_t k;

	for (k = 0; k < m->xfr_len; k += strlen(m->xfr + k) + 1) {
		size_t len = strlen(m->xfr + k);
		int r = rcpt_find(m, m->xfr + k, len, smtpcode__msg_hash(m->xfr + k, len));
		if (r < 0 || m->rcpt[r].weak)
			text_record(m, OWNER_PREAMBLE, m->xfr + k, len, 0, m->xfr_line, SMTPCODE_RECIPIENT_FROM_HEADER, 0);
	}
}

static unsigned
flush(struct smtpcode__msg *m, unsigned keep)
{
	size_t at = 0, out = 0;
	unsigned i, first = m->rcpt_count;

	if (m->is_report || m->is_feedback || m->rcpt_count == 0) {
		m->text_cut = 1;
		m->problems |= SMTPCODE_MESSAGE_TEXT_DROPPED;
		return keep;
	}
	/* Records go out in the order the recipients were named: those before
	 * the one whose line is stored, and before the one being read, go, and
	 * these two stay to take more text. If that frees nothing (they were
	 * named first), all go, and the rest of their text is dropped; unless
	 * one recipient's text alone fills the store: it stays, cut. */
	if (keep == OWNER_PREAMBLE && m->current < 0) {
		first = m->rcpt_count;
	} else {
		if (m->current >= 0)
			first = (unsigned)m->current;
		if (keep < first)
			first = keep;
		if (first == 0 && m->rcpt_count == 1)
			return keep;
		if (first == 0)
			first = m->rcpt_count;
	}
	if (!m->xfr_handed_on && m->xfr_count && !m->xfr_cut)
		xfr_only_records(m);
	m->xfr_handed_on = 1;
	m->text_flushed = 1;
	for (i = 0; i < first; i++)
		if (!m->rcpt[i].weak)
			rcpt_record(m, i);
	/* Compact: the preamble and the recipients kept, renumbered from 0. */
	while (at < m->store_len) {
		unsigned who = get16(m->store + at);
		size_t len = get16(m->store + at + 2);
		int mine = who == OWNER_PREAMBLE || (who < OWNER_ADDRESS && who >= first);
		if (who == OWNER_ADDRESS)
			for (i = first; i < m->rcpt_count && !mine; i++)
				if (at + ENTRY_HEAD == m->rcpt[i].addr_at) {
					m->rcpt[i].addr_at = (uint32_t)(out + ENTRY_HEAD);
					mine = 1;
				}
		if (mine) {
			if (who < OWNER_ADDRESS)
				put16(m->store + at, who - first);
			memmove(m->store + out, m->store + at, ENTRY_HEAD + len);
			out += ENTRY_HEAD + len;
		}
		at += ENTRY_HEAD + len;
	}
	m->store_len = out;
	m->session_open = 0;
	forget_paragraph(m);
	memmove(m->rcpt, m->rcpt + first, (m->rcpt_count - first) * sizeof m->rcpt[0]);
	m->rcpt_count -= first;
	m->strong_count = 0;
	for (i = 0; i < m->rcpt_count; i++)
		m->strong_count += !m->rcpt[i].weak;
	if (m->current >= 0)
		m->current = (unsigned)m->current >= first ? m->current - (int)first : CURRENT_HANDED_ON;
	if (keep >= OWNER_HANDED_ON)
		return keep;
	return keep >= first ? keep - first : OWNER_HANDED_ON;
}

/* Does X-Failed-Recipients name a recipient the text names, or does the
 * text name none? (A header that names others than the text is not
 * trusted over it.) */
static int
xfr_agrees(const struct smtpcode__msg *m)
{
	size_t k;

	if (m->strong_count == 0)
		return 1;
	for (k = 0; k < m->xfr_len; k += strlen(m->xfr + k) + 1) {
		size_t len = strlen(m->xfr + k);
		int r = rcpt_find(m, m->xfr + k, len, smtpcode__msg_hash(m->xfr + k, len));
		if (r >= 0 && !m->rcpt[r].weak)
			return 1;
	}
	return 0;
}

void
smtpcode__msg_text_finish(struct smtpcode__msg *m)
{
	unsigned i, weak = 0;
	int from_header;

	if (m->held) {
		m->held = 0;
		report_line(m, m->held_text, m->held_len, m->held_line, 0);
	}
	if (m->text_cut)
		m->problems |= SMTPCODE_MESSAGE_TEXT_DROPPED;
	/* X-Failed-Recipients says who failed: first those the text does not
	 * name (with the whole report; they are named in the header, above
	 * it), then those it lists, with what it says of each, in the order of
	 * the text (a header may name fewer than the text lists: qmail's
	 * X-Bounced-Address names one). */
	from_header = m->xfr_count && !m->xfr_cut && xfr_agrees(m);
	if (from_header && !m->xfr_handed_on)
		xfr_only_records(m);
	for (i = 0; i < m->rcpt_count; i++) {
		if (m->rcpt[i].weak)
			weak |= 1u << m->rcpt[i].weak;
		else
			rcpt_record(m, i);
	}
	if (m->strong_count || m->text_flushed || from_header)
		return; /* (records were handed on: what the text holds was said) */
	if (weak) {
		/* Named in passing, or the sender named as a recipient (rather). */
		unsigned level = weak & 4u ? 2 : 1;
		for (i = 0; i < m->rcpt_count; i++)
			if (m->rcpt[i].weak == level)
				text_record(m, OWNER_PREAMBLE, (const char *)m->store + m->rcpt[i].addr_at,
				            m->rcpt[i].addr_len, m->rcpt[i].cut, m->rcpt[i].line, 0, 0);
		return;
	}
	if (!bounce_like(m))
		return;
	/* A bounce that names no recipient in its text: the returned message's
	 * recipient, with what the text says (a reason unknown when it says
	 * nothing more than that delivery failed); or, with none, no address,
	 * when the text says why it failed. */
	if (m->original_to_len) {
		unsigned before = m->records;
		text_record(m, OWNER_PREAMBLE, m->original_to, m->original_to_len, 0, 1, SMTPCODE_RECIPIENT_FROM_ORIGINAL,
		            0);
		if (m->records != before)
			return;
	} else if (m->preamble_len) {
		text_record(m, OWNER_PREAMBLE, NULL, 0, 0, 1, 0, 1);
	}
	/* Unless its report was skipped (too deep) or never came (cut short). */
	if (!(m->problems & (SMTPCODE_MESSAGE_TOO_DEEP | SMTPCODE_MESSAGE_TRUNCATED)))
		m->problems |= SMTPCODE_MESSAGE_NO_RECIPIENT;
}
