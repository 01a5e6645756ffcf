/* The classifier: finds the reply in the input, scans it once with the DFA
 * generated from data/ (generator/gen_classifier.py), and lets the most
 * specific signal decide. DESIGN.md "Classification" gives the order. */
#include <stddef.h>
#include <string.h>

#include "carrier.h"
#include "smtpcode.h"

/* action and bounce are SMTPCODE__NO_ACTION where the reason's own apply;
 * cls is 4 for wording that says the failure is temporary, else 0. */
struct smtpcode__pattern {
	uint8_t kind; /* PATTERN_FINGERPRINT, _GENERIC, _PHRASE, _TOKEN or _MARKER (reason: the marker) */
	uint8_t reason, action, vendor, priority, len, bounce, cls;
	uint8_t unanswered; /* network-error or expired wording that says no server answered */
	uint8_t after_domain; /* the reason when a domain name comes right before the match, or 0 */
	uint8_t temporary;    /* wording that itself says the failure is temporary ("try again later") */
};

#include "smtpcode_classifier.h"

/* In the order of preference (the kind is the top of a pattern's rank): a
 * generic phrase names a refusal but not its cause ("access denied"). */
enum { PATTERN_FINGERPRINT, PATTERN_GENERIC, PATTERN_PHRASE, PATTERN_TOKEN, PATTERN_MARKER };

/* The input is fed to the DFA a line at a time ("segments"), a virtual space
 * between them; a line that continues a multi-line reply is fed without its
 * codes. The last few segments are remembered so that a match's start can be
 * found by walking back across them. */
#define SEGMENT_RING 16

/* data/phrases.toml: an expiry wording of this priority or more says the
 * sending side gave up ("message expired"); below, that it still retries
 * ("has been delayed"). */
#define GAVE_UP_PRIORITY 75

struct segment {
	const unsigned char *start, *end;
};

/* Where a match ended: its span is worked out once, at the end. */
struct match_end {
	const unsigned char *end;
	unsigned segment;
};

struct scan {
	uint32_t state;                /* the DFA's state */
	int reason;                    /* best reason pattern anywhere, or -1 */
	int reply_reason;              /* best reason pattern after the reply's start, or -1 */
	int vendor;                    /* best vendor pattern, or -1 */
	uint32_t reason_rank, reply_reason_rank; /* their ranks, 0 for none */
	int gave_up;                   /* words that the sending side gave up, decisive or not */
	const char *temporary_at;      /* the first words that say the failure is temporary, or NULL */
	/* Lines that start another reply, of another class than the first
	 * ("550 ... User unknown" then "421 ... Connection timed out" for
	 * another host): their words decide only where the others say nothing. */
	unsigned first_class;          /* of the first line that starts with a reply code, or 0 */
	int bare_reply;                /* a line has started with a reply code itself (no "<<< ") */
	int aside;                     /* the line being fed is such a line, or follows one */
	int other_reason;              /* best reason pattern in those lines, or -1 */
	uint32_t other_rank;
	struct smtpcode_span other_span;
	const unsigned char *other_end;
	/* Their spans, worked out when they are found: a line that far back
	 * may have left the ring by the end. */
	struct smtpcode_span reason_span, reply_reason_span, vendor_span;
	struct smtpcode__carrier *car; /* markers found go here; NULL: none wanted */
	const char *buf, *lim;
	const char *first_nl;          /* the input's first '\n', or lim */
	/* The last word looked at for an '@' (in_address), and whether it had one. */
	const unsigned char *word_start, *word_end;
	int word_at;
	unsigned segments;             /* segments fed so far */
	struct segment ring[SEGMENT_RING];
};

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* The order of reason patterns in one number, never 0: a token beats a
 * phrase, a phrase a generic phrase, then priority, then length. */
static uint32_t
rank_of(const struct smtpcode__pattern *p)
{
	return (uint32_t)p->kind << 16 | (uint32_t)p->priority << 8 | p->len;
}

#define SMTPCODE__ONES ((uint64_t)0x0101010101010101u)

/* Are two bytes <= ' ' next to each other in [p, end)? Eight bytes a step
 * (overlapping by one, so pairs across steps are seen), in any byte order. */
static int
low_pair(const unsigned char *p, const unsigned char *end)
{
	uint64_t w, low;

	if (end - p < 8) {
		unsigned prev = 0;
		for (; p < end; p++) {
			unsigned cur = *p <= ' ';
			if (cur & prev)
				return 1;
			prev = cur;
		}
		return 0;
	}
	for (;;) {
		if (end - p < 8)
			p = end - 8;
		memcpy(&w, p, 8);
		/* high bit of each byte: byte <= 0x20 (no carries between bytes) */
		low = ~(((w & 0x7f * SMTPCODE__ONES) + 0x5f * SMTPCODE__ONES) | w) & 0x80 * SMTPCODE__ONES;
		if (low & (low << 8))
			return 1;
		if (p == end - 8)
			return 0;
		p += 7;
	}
}

/* Walks back over a match of n folded characters that ended at `m`: a
 * whitespace run, or a segment boundary with the whitespace around it,
 * stands for one character of the pattern. With `pat`, each character is
 * checked against pat[0..n): a space against such a run, an ASCII letter
 * folded, any other byte as it is. Returns where the match starts; with
 * `pat`, NULL when a character differs or lies before the oldest segment
 * in the ring (without, the walk stops there). */
static const unsigned char *
walk_back(const struct scan *sc, struct match_end m, unsigned n, const unsigned char *pat)
{
	unsigned k = m.segment;
	const unsigned char *p = m.end, *seg_start = sc->ring[k % SEGMENT_RING].start;
	unsigned oldest = sc->segments > SEGMENT_RING ? sc->segments - SEGMENT_RING : 0;

	while (n > 0) {
		unsigned char want = pat ? pat[n - 1] : ' ';
		if (p == seg_start) {
			/* The virtual space between segments, and the whitespace around it. */
			if (k == oldest || want != ' ')
				return pat ? NULL : p;
			k--;
			seg_start = sc->ring[k % SEGMENT_RING].start;
			p = sc->ring[k % SEGMENT_RING].end;
			while (p > seg_start && is_space(p[-1]))
				p--;
			n--;
			continue;
		}
		p--;
		if (is_space(*p)) {
			if (want != ' ')
				return NULL;
			while (p > seg_start && is_space(p[-1]))
				p--;
			/* A run that starts its segment (an indented line) goes on
			 * with the virtual space and the whitespace before that. */
			while (p == seg_start && k > oldest) {
				k--;
				seg_start = sc->ring[k % SEGMENT_RING].start;
				p = sc->ring[k % SEGMENT_RING].end;
				while (p > seg_start && is_space(p[-1]))
					p--;
			}
		} else if (pat && (*p >= 'A' && *p <= 'Z' ? *p + 32 : *p) != want) {
			return NULL;
		}
		n--;
	}
	return p;
}

/* The span of a match of n folded characters that ended at `m`. Segments
 * older than the ring are out of reach. */
static struct smtpcode_span
match_span(const struct scan *sc, struct match_end m, unsigned n)
{
	unsigned oldest = sc->segments > SEGMENT_RING ? sc->segments - SEGMENT_RING : 0;
	const unsigned char *end = m.end, *seg_start, *p;
	struct smtpcode_span span = {NULL, 0};

	if (m.segment < oldest)
		return span;
	seg_start = sc->ring[m.segment % SEGMENT_RING].start;

	/* The usual case: within the segment, and no two bytes <= ' ' in a row
	 * (nor one before the match and its first byte), so no whitespace run
	 * was folded and the match is its last n bytes. */
	if ((size_t)(end - seg_start) >= n) {
		const unsigned char *q = end - n;
		if (!low_pair(q > seg_start ? q - 1 : q, end)) {
			span.ptr = (const char *)q;
			span.len = n;
			return span;
		}
	}
	p = walk_back(sc, m, n, NULL);
	span.ptr = (const char *)p;
	span.len = (size_t)(end - p);
	return span;
}

/* How strongly a pattern names its vendor, in one number: a host name under
 * the vendor's domain (a fingerprint's priority 3), its own wording or
 * token (2), the wording of server software many vendors run (1); then the
 * longer. */
static unsigned
evidence(const struct smtpcode__pattern *p)
{
	return (unsigned)(p->kind == PATTERN_FINGERPRINT ? p->priority : 2) << 8 | p->len;
}

/* Did a phrase's text `pat` of n bytes match, ending at `m`? The automaton
 * matched the shape only of the bytes beyond ASCII. */
static int
verify(const struct scan *sc, struct match_end m, const unsigned char *pat, unsigned n)
{
	unsigned oldest = sc->segments > SEGMENT_RING ? sc->segments - SEGMENT_RING : 0;

	return m.segment >= oldest && walk_back(sc, m, n, pat) != NULL;
}

/* The first of a state's candidate patterns (best first) whose bytes match,
 * + 1; 0 when none does. */
static uint32_t
checked(const struct scan *sc, uint32_t at, struct match_end m)
{
	const uint16_t *c = smtpcode__dfa_candidates + at;
	unsigned i;

	for (i = 1; i <= c[0]; i++) {
		unsigned text = smtpcode__pattern_text[c[i]];
		if (!text || verify(sc, m, smtpcode__verify_pool + text, smtpcode__patterns[c[i]].len))
			return (uint32_t)c[i] + 1;
	}
	return 0;
}

/* How far either side of a match the word it lies in is looked at: an
 * address's local part is at most 64 bytes, its domain 255. */
#define WORD_REACH 256

static int
word_delimiter(unsigned char c)
{
	return c <= ' ' || c == '<' || c == '>' || c == '(' || c == ')' || c == '[' || c == ']' || c == '"' ||
	       c == '\'' || c == ',' || c == ';' || c == ':' || c == '=';
}

/* Does the match [a, b) lie in an address ("<spam@example.com>",
 * "eve@spamtrap.example.com")? Then it names a mailbox, not a cause: its
 * first and last words, out to their delimiters, hold an '@'. A match of
 * one word keeps its word, so a run of matches in a long one walks it once. */
static int
in_address(struct scan *sc, const unsigned char *a, const unsigned char *b)
{
	const unsigned char *buf = (const unsigned char *)sc->buf, *lim = (const unsigned char *)sc->lim;
	const unsigned char *p, *q, *floor, *ceil;
	int at = 0, one_word = 1;

	if (a >= sc->word_start && b <= sc->word_end)
		return sc->word_at;
	floor = a - buf > WORD_REACH ? a - WORD_REACH : buf;
	ceil = lim - b > WORD_REACH ? b + WORD_REACH : lim;
	/* A match that starts or ends with a delimiter ("]: Recipient address
	 * rejected") has no word of its own on that side; nor one that starts
	 * with Sendmail's "..." after an address ("a@b... address invalid"). */
	for (p = a; p > floor && !word_delimiter(*a) && *a != '.' && !word_delimiter(p[-1]); p--)
		at |= p[-1] == '@';
	for (q = b; q < ceil && !word_delimiter(b[-1]) && !word_delimiter(*q); q++)
		at |= *q == '@';
	for (; a < b && one_word; a++)
		one_word = !word_delimiter(*a);
	if (one_word) {
		sc->word_start = p;
		sc->word_end = q;
		sc->word_at = at;
	}
	return at;
}

static int
ascii_letter(unsigned char c)
{
	return (c | 32) >= 'a' && (c | 32) <= 'z';
}

/* Does a phrase's match start inside a word ("p=reject" in "SpamTrap=reject",
 * "spam" in "antispam.example.com")? A capital after a small letter starts
 * a word of its own ("MailPolicy", "RecipientNotFound"). */
static int
mid_word(const struct scan *sc, struct smtpcode_span span)
{
	const unsigned char *p = (const unsigned char *)span.ptr, *end = p + span.len;
	const unsigned char *buf = (const unsigned char *)sc->buf, *lim = (const unsigned char *)sc->lim;

	/* Part of a name joined with underscores: Exim's router and transport
	 * ("R=dkim_lookuphost T=dkim_remote_smtp"), a program's identifier. */
	if ((p > buf && p[-1] == '_') || (end < lim && *end == '_'))
		return 1;
	/* Part of a host name or an address: a dot or an '@' before it and its
	 * label running on after it ("cbx.virusfree.cz", "a@mx.spam-source.net"),
	 * or an '@' right after it ("spam@example.com"). Not a phrase that is a
	 * name or an address itself ("proofpoint.com/dnsbl" in "support.
	 * proofpoint.com/dnsbl-lookup.cgi"), nor one that ends where a label
	 * does ("spamhaus" in "zen.spamhaus.org"). */
	if (!memchr(span.ptr, '.', span.len) && !memchr(span.ptr, '/', span.len)) {
		if (p > buf && (p[-1] == '.' || p[-1] == '@') && end < lim &&
		    (ascii_letter(*end) || (*end >= '0' && *end <= '9') || *end == '-'))
			return 1;
		if (end < lim && *end == '@')
			return 1;
	}
	return p > buf && ascii_letter(p[0]) && ascii_letter(p[-1]) && !(p[-1] >= 'a' && p[0] <= 'Z');
}

static int word_eq(const char *s, size_t len, const char *w);
/* Is the match denied by the word before it ("not a temporary error",
 * "do not try again later", "never retry")? Looks back one word, and one
 * more over "a" or "an". */
static int
denied(const struct scan *sc, struct smtpcode_span span)
{
	const unsigned char *buf = (const unsigned char *)sc->buf, *p = (const unsigned char *)span.ptr;
	int words;

	for (words = 0; words < 2; words++) {
		const unsigned char *end;
		size_t n;
		while (p > buf && p[-1] == ' ')
			p--;
		end = p;
		while (p > buf && end - p < 6 && ascii_letter(p[-1]))
			p--;
		n = (size_t)(end - p);
		if (n == 0 || (p > buf && ascii_letter(p[-1])))
			return 0;
		if (word_eq((const char *)p, n, "not") || word_eq((const char *)p, n, "no") ||
		    word_eq((const char *)p, n, "never"))
			return 1;
		if (!word_eq((const char *)p, n, "a") && !word_eq((const char *)p, n, "an"))
			return 0;
	}
	return 0;
}


/* Does the word `w` (lower case) start at p, before lim? */
static int
word_at(const unsigned char *p, const unsigned char *lim, const char *w)
{
	size_t n = strlen(w);

	return (size_t)(lim - p) >= n && word_eq((const char *)p, n, w);
}

/* Is the word right before `span` a domain name ("553 mail.example.com does
 * not exist"), not an address, a path or a person's "first.last"? Its
 * labels are letters, digits and hyphens, the last of letters: three labels
 * or more, or a last one of two or three letters. */
static int
domain_before(const char *buf, struct smtpcode_span span)
{
	const unsigned char *start = (const unsigned char *)buf, *end = (const unsigned char *)span.ptr, *p, *w;
	unsigned labels = 1, last = 0;

	if (!end || end == start || !is_space(end[-1]))
		return 0;
	while (end > start && is_space(end[-1]))
		end--;
	while (end > start && (end[-1] == '>' || end[-1] == ')' || end[-1] == '"' || end[-1] == '\'' || end[-1] == ',' ||
	                       end[-1] == ':' || end[-1] == '.'))
		end--;
	for (w = end; w > start && end - w < 256 && !is_space(w[-1]) && w[-1] != '<' && w[-1] != '(' && w[-1] != '"' &&
	              w[-1] != '\'';
	     w--)
		;
	if (w == end || (w > start && !is_space(w[-1]) && w[-1] != '<' && w[-1] != '(' && w[-1] != '"' && w[-1] != '\''))
		return 0;
	for (p = w; p < end; p++) {
		if (*p == '.') {
			if (p == w || p[-1] == '.' || p + 1 == end)
				return 0;
			labels++;
			last = 0;
		} else if (ascii_letter(*p)) {
			last++;
		} else if ((*p >= '0' && *p <= '9') || *p == '-') {
			last = 64; /* a label with more than letters: not the last */
		} else {
			return 0;
		}
	}
	if (!(labels >= 2 && last >= 2 && last < 64 && (labels >= 3 || last <= 3)))
		return 0;
	/* "Sender domain example.com does not exist", "Client host ...", "relay
	 * host ...", "HELO name ...": the sending side's. */
	for (p = w > start + 24 ? w - 24 : start; p < w; p++)
		if (word_at(p, w, "sender") || word_at(p, w, "from") || word_at(p, w, "client") || word_at(p, w, "relay") ||
		    word_at(p, w, "helo") || word_at(p, w, "ehlo"))
			return 0;
	return 1;
}

/* A state with an output (e >= SMTPCODE__DFA_OUTPUT): a phrase or
 * token, vendor evidence, a carrier marker. Rare next to plain bytes. Of two
 * reason patterns, a token beats a phrase, then priority, then length (the
 * rank); on a tie the earlier match stays. */
static void
record(struct scan *sc, size_t e, const unsigned char *end)
{
	uint32_t r = smtpcode__dfa_reason[e - SMTPCODE__DFA_OUTPUT];
	uint32_t vm = smtpcode__dfa_vendor[e - SMTPCODE__DFA_OUTPUT], v = vm & 0xffffu, m = vm >> 16;
	struct match_end here;
	struct smtpcode_span span = {NULL, 0};

	here.end = end;
	here.segment = sc->segments - 1;
	if (r & SMTPCODE__CANDIDATES)
		r = checked(sc, r & ~(uint32_t)SMTPCODE__CANDIDATES, here);
	if (m == SMTPCODE__MARKER_TALKING_TO && sc->car && sc->bare_reply)
		sc->car->late_session = 1;
	if (m && sc->car)
		smtpcode__carrier_marker(sc->car, (enum smtpcode__marker)m, sc->buf, (const char *)end, sc->lim);
	if (sc->car && sc->car->verifying == SMTPCODE__PROBE_REPLY)
		return; /* the words of a reply a verification probe got */
	if (r) {
		const struct smtpcode__pattern *pat = &smtpcode__patterns[r - 1];
		uint32_t rank = rank_of(pat);
		/* Words that say no server answered say nothing of giving up. */
		int gives_up = pat->reason == SMTPCODE_REASON_EXPIRED && pat->priority >= GAVE_UP_PRIORITY && !pat->unanswered;
		int better = sc->aside ? rank > sc->other_rank : rank > sc->reason_rank;
		/* Matches in the carrier's own words before the reply do not count. */
		int in_reply = !sc->aside && rank > sc->reply_reason_rank && sc->car && sc->car->reply_at &&
		               (const char *)end > sc->car->reply_at &&
		               !(sc->car->trailer_at && sc->car->trailer_at > sc->car->reply_at &&
		                 (const char *)end > sc->car->trailer_at + 1);
		/* Of the reply's own words, where the carrier says where it starts. */
		int temporary = pat->temporary && !sc->aside &&
		                (!sc->car || !sc->car->reply_at || (const char *)end > sc->car->reply_at);
		if (gives_up || better || in_reply || temporary) {
			span = match_span(sc, here, pat->len);
			/* Wording that says the failure will pass, or names a
			 * virus, says nothing when it is denied ("this is not a
			 * temporary error", "No virus found in this message"). */
			if (span.ptr && (in_address(sc, (const unsigned char *)span.ptr, (const unsigned char *)span.ptr + span.len) ||
			                 (pat->kind <= PATTERN_PHRASE && mid_word(sc, span)) ||
			                 ((pat->temporary || pat->reason == SMTPCODE_REASON_VIRUS) && denied(sc, span))))
				gives_up = better = in_reply = temporary = 0;
		}
		if (gives_up)
			sc->gave_up = 1;
		if (temporary && !sc->temporary_at)
			sc->temporary_at = span.ptr;
		if (better && sc->aside) {
			sc->other_reason = (int)r - 1;
			sc->other_rank = rank;
			sc->other_span = span;
			sc->other_end = end;
		} else if (better) {
			sc->reason = (int)r - 1;
			sc->reason_rank = rank;
			sc->reason_span = span;
		}
		if (in_reply) {
			sc->reply_reason = (int)r - 1;
			sc->reply_reason_rank = rank;
			sc->reply_reason_span = span;
		}
	}
	if (v && (sc->vendor < 0 || evidence(&smtpcode__patterns[v - 1]) > evidence(&smtpcode__patterns[sc->vendor]))) {
		sc->vendor = (int)v - 1;
		sc->vendor_span = match_span(sc, here, smtpcode__patterns[v - 1].len);
	}
}

/* Keeps the compiler from reordering the ORs below (which costs register
 * moves), from keeping eight states alive for feed_slowly, from adding the
 * state to the column offset before the table's address, and from zero
 * extending again a state it has stored as 16 bits. */
#if defined(__GNUC__)
#define SMTPCODE__OPAQUE(v) __asm__("" : "+r"(v))
#define SMTPCODE__UNROLLED _Pragma("GCC unroll 8")
#else
#define SMTPCODE__OPAQUE(v) ((void)0)
#define SMTPCODE__UNROLLED
#endif

/* The column's address does not depend on e: the step waits on one load.
 * size_t, not uint16_t: the index needs no zero extension. */
static size_t
step(size_t e, unsigned char c)
{
	const uint16_t *column = smtpcode__dfa + smtpcode__byte_column[c];

	SMTPCODE__OPAQUE(column);
	return column[e];
}

/* A byte at a time, with a look at every state. */
static size_t
feed_slowly(struct scan *sc, size_t e, const unsigned char *s, const unsigned char *lim)
{
	for (; s < lim; s++) {
		e = step(e, *s);
		if (e & SMTPCODE__DFA_OUTPUT)
			record(sc, e, s + 1);
	}
	return e;
}

/* Eight bytes from state e, their outputs recorded. States with an output
 * are numbered from SMTPCODE__DFA_OUTPUT, a power of two, up, so the eight
 * states ORed together tell whether any of them has one; if one has, the
 * eight bytes are fed again, slowly. */
static size_t
feed8(struct scan *sc, size_t e, const unsigned char *s)
{
	size_t x = step(e, s[0]), any = x;
	unsigned i;

	SMTPCODE__UNROLLED
	for (i = 1; i < 8; i++) {
		x = step(x, s[i]);
		any |= x;
		SMTPCODE__OPAQUE(any);
	}
	if (any & SMTPCODE__DFA_OUTPUT) {
		SMTPCODE__OPAQUE(e);
		feed_slowly(sc, e, s, s + 8);
	}
	return x;
}

#define SMTPCODE__STREAMS 4       /* streams of one line side by side */
#define SMTPCODE__STREAM_CHUNKS 16 /* at most, of 8 bytes, a stream in one feed_streams() */
#define SMTPCODE__STREAM_BYTES (8 * SMTPCODE__STREAM_CHUNKS)
#define SMTPCODE__SETTLE_BYTES 8 /* of each guessed stream, fed again side by side */

/* Eight bytes from state e, the state after each stored in st. */
static size_t
run8(size_t e, const unsigned char *s, uint16_t *st)
{
	unsigned i;

	SMTPCODE__UNROLLED
	for (i = 0; i < 8; i++) {
		e = step(e, s[i]);
		st[i] = (uint16_t)e;
	}
	return e;
}

/* Records the outputs among the states st[0..n) of the n bytes at s, n a
 * multiple of 8. With SSE2, 16 states are looked at together (then 8):
 * shifted so that SMTPCODE__DFA_OUTPUT's bit is the sign bit, an output
 * state is negative and stays so when packed to a byte. */
static void
record_states(struct scan *sc, const uint16_t *st, const unsigned char *s, unsigned n)
{
	unsigned i = 0;

#ifdef SMTPCODE__SSE2
	for (; i < n; i += 16) {
		__m128i lo = _mm_slli_epi16(_mm_loadu_si128((const __m128i *)(const void *)(st + i)),
		                            SMTPCODE__DFA_OUTPUT_SHIFT),
		        hi = lo;
		unsigned m;
		if (i + 16 <= n)
			hi = _mm_slli_epi16(_mm_loadu_si128((const __m128i *)(const void *)(st + i + 8)),
			                    SMTPCODE__DFA_OUTPUT_SHIFT);
		m = (unsigned)_mm_movemask_epi8(_mm_packs_epi16(lo, hi)) & (i + 16 <= n ? 0xffffu : 0xffu);
		for (; m; m &= m - 1) {
			unsigned j = i + (unsigned)__builtin_ctz(m);
			record(sc, st[j], s + j + 1);
		}
	}
#else
	for (; i < n; i += 4) {
		uint64_t w;
		unsigned j;
		memcpy(&w, st + i, 8);
		if (w & (uint64_t)SMTPCODE__DFA_OUTPUT * 0x0001000100010001u)
			for (j = i; j < i + 4; j++)
				if (st[j] & SMTPCODE__DFA_OUTPUT)
					record(sc, st[j], s + j + 1);
	}
#endif
}

/* The first of 8 positions where two runs of states agree (from there on
 * they agree, the automaton being deterministic), or 8. */
static unsigned
first_same(const uint16_t *x, const uint16_t *y)
{
#ifdef SMTPCODE__SSE2
	__m128i same = _mm_cmpeq_epi16(_mm_loadu_si128((const __m128i *)(const void *)x),
	                               _mm_loadu_si128((const __m128i *)(const void *)y));
	unsigned m = (unsigned)_mm_movemask_epi8(same);
	return m ? (unsigned)__builtin_ctz(m) / 2 : 8;
#else
	unsigned i;
	for (i = 0; i < 8 && x[i] != y[i]; i++)
		;
	return i;
#endif
}

/* `chunks` (4 to 64) chunks at a from state e, as four streams side by side,
 * so that the loads of one need not wait for those of the others: a lookup
 * waits for the one before it, and most of the time goes in that wait. The
 * state after each byte is stored; the outputs are looked for afterwards,
 * in input order, so the result is that of one stream.
 *
 * The streams are a quarter of the chunks each, or one more; the shorter
 * ones run on into the next, unrecorded, so that all take the same number
 * of steps. Only the first stream knows its state. The others start from a
 * guess, the start state. Where that was wrong, each is fed again, side by
 * side, from where the stream before it ended (as that one was fed), until
 * it reaches a state it had before: the automaton forgets all but the last
 * few bytes, so that is soon, and from there on it was right. If a stream
 * before had not come to agree, the end taken for it was wrong, and the
 * stream after it is fed again from its true end, alone. */
static size_t
feed_streams(struct scan *sc, size_t e, const unsigned char *a, unsigned chunks)
{
	uint16_t st[SMTPCODE__STREAMS][SMTPCODE__STREAM_BYTES], again[SMTPCODE__STREAMS][SMTPCODE__SETTLE_BYTES];
	const unsigned char *p[SMTPCODE__STREAMS];
	unsigned len[SMTPCODE__STREAMS], i, k, n;
	size_t from[SMTPCODE__STREAMS];

	for (i = 0; i < SMTPCODE__STREAMS; i++) {
		unsigned first = i * chunks / SMTPCODE__STREAMS;
		p[i] = a + 8 * first;
		len[i] = 8 * ((i + 1) * chunks / SMTPCODE__STREAMS - first);
	}
	n = len[SMTPCODE__STREAMS - 1]; /* the longest */
	{
		size_t w = e, y = SMTPCODE__DFA_START, z = y, v = y;
		k = 0;
		do { /* n >= 8 */
			SMTPCODE__UNROLLED
			for (i = 0; i < 8; i++) {
				w = step(w, p[0][k + i]);
				y = step(y, p[1][k + i]);
				z = step(z, p[2][k + i]);
				v = step(v, p[3][k + i]);
				SMTPCODE__OPAQUE(w);
				SMTPCODE__OPAQUE(y);
				SMTPCODE__OPAQUE(z);
				SMTPCODE__OPAQUE(v);
				st[0][k + i] = (uint16_t)w;
				st[1][k + i] = (uint16_t)y;
				st[2][k + i] = (uint16_t)z;
				st[3][k + i] = (uint16_t)v;
			}
			k += 8;
		} while (k < n);
	}

	/* Each guessed stream fed again, side by side, for its first chunk
	 * from the end the stream before had; from the first byte where the
	 * two agree, the guess was right. */
	{
		size_t y = st[0][len[0] - 1], z = st[1][len[1] - 1], v = st[2][len[2] - 1];
		from[1] = y;
		from[2] = z;
		from[3] = v;
		SMTPCODE__UNROLLED
		for (i = 0; i < SMTPCODE__SETTLE_BYTES; i++) {
			y = step(y, p[1][i]);
			z = step(z, p[2][i]);
			v = step(v, p[3][i]);
			again[1][i] = (uint16_t)y;
			again[2][i] = (uint16_t)z;
			again[3][i] = (uint16_t)v;
		}
	}

	/* In input order. Where the stream before ended as was taken, the
	 * states fed again are the true ones; if they never met the guessed
	 * ones, or the start taken was wrong (and not the start state), the
	 * stream is fed again alone, a chunk at a time, until it meets them. */
	record_states(sc, st[0], p[0], len[0]);
	e = st[0][len[0] - 1];
	for (i = 1; i < SMTPCODE__STREAMS; i++) {
		k = len[i]; /* nothing more to feed again */
		if (e == from[i]) {
			if (first_same(st[i], again[i]) == SMTPCODE__SETTLE_BYTES) {
				e = again[i][SMTPCODE__SETTLE_BYTES - 1];
				k = SMTPCODE__SETTLE_BYTES;
			}
			memcpy(st[i], again[i], sizeof again[i]);
		} else if (e != SMTPCODE__DFA_START) {
			k = 0;
		}
		for (; k < len[i]; k += 8) {
			size_t guessed = st[i][k + 7];
			e = run8(e, p[i] + k, st[i] + k);
			if (e == guessed)
				break;
		}
		record_states(sc, st[i], p[i], len[i]);
		e = st[i][len[i] - 1];
	}
	return e;
}

/* A line: in four streams, at most 64 chunks (512 bytes) at a time, shared
 * evenly between the calls (fewer calls, fewer guesses to settle); what is
 * left of fewer than 4 chunks a chunk at a time, then a byte at a time. */
static void
feed(struct scan *sc, const unsigned char *s, const unsigned char *lim)
{
	size_t e = sc->state, chunks = (size_t)(lim - s) / 8;

	if (sc->segments > 0) /* the virtual space between segments */
		e = step(e, (unsigned char)' ');
	sc->ring[sc->segments % SEGMENT_RING].start = s;
	sc->ring[sc->segments % SEGMENT_RING].end = lim;
	sc->segments++;
#ifndef SMTPCODE__REFERENCE
	while (chunks >= SMTPCODE__STREAMS) {
		const size_t most = SMTPCODE__STREAMS * SMTPCODE__STREAM_CHUNKS;
		unsigned n = (unsigned)(chunks <= most ? chunks : chunks / ((chunks + most - 1) / most));
		e = feed_streams(sc, e, s, n);
		s += 8 * n;
		chunks -= n;
	}
#else
	(void)feed_streams;
#endif
	for (; chunks > 0; chunks--, s += 8)
		e = feed8(sc, e, s);
	sc->state = (uint32_t)feed_slowly(sc, e, s, lim);
}

static void
scan_init(struct scan *sc, const char *buf, size_t len, struct smtpcode__carrier *car)
{
	/* Field by field, not a memset: gcc makes that `rep stos`, whose start
	 * costs more than the stores. The ring and the match ends are written
	 * before they are read. */
	sc->state = SMTPCODE__DFA_START;
	sc->reason = sc->reply_reason = sc->vendor = -1;
	sc->reason_rank = sc->reply_reason_rank = 0;
	sc->gave_up = 0;
	sc->temporary_at = NULL;
	sc->first_class = 0;
	sc->bare_reply = 0;
	sc->aside = 0;
	sc->other_reason = -1;
	sc->other_rank = 0;
	sc->car = car;
	sc->buf = buf;
	sc->lim = buf + len;
	sc->first_nl = sc->lim;
	sc->word_start = sc->word_end = NULL;
	sc->word_at = 0;
	sc->segments = 0;
}

/* The class of the reply code a line starts with (after blanks, and a
 * transcript's "<<< " or "<-- "), or 0. */
static unsigned
line_class(const unsigned char *p, const unsigned char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p > 4 && p[3] == ' ' && ((p[0] == '<' && p[1] == '<' && p[2] == '<') ||
	                                   (p[0] == '<' && p[1] == '-' && p[2] == '-')))
		p += 4;
	if (end - p < 3 || *p < '2' || *p > '5' || (unsigned)(p[1] - '0') > 9u || (unsigned)(p[2] - '0') > 9u)
		return 0;
	if (end - p > 3 && p[3] != ' ' && p[3] != '-' && p[3] != '\r')
		return 0;
	return (unsigned)(*p - '0');
}

/* The length of a reply line's prefix at p, as `first` states it: its code,
 * '-' or ' ', and its enhanced code if `first` has one ("550-5.7.1 "). */
static size_t
same_prefix(const unsigned char *p, const unsigned char *end, const unsigned char *first, size_t first_len)
{
	if ((size_t)(end - p) <= first_len || memcmp(p, first, 3) != 0 || (p[3] != '-' && p[3] != ' '))
		return 0;
	if (first_len == 4)
		return 4;
	return memcmp(p + 4, first + 4, first_len - 4) == 0 && p[first_len] == ' ' ? first_len + 1 : 0;
}

/* A line that holds a whole multi-line reply, its lines joined with spaces
 * (Postfix's "said: 550-5.7.1 Messages with multiple 550 5.7.1 addresses"):
 * fed without the codes that started each of the reply's lines, as if they
 * were lines. The first "NNN-" of the line says what such a code looks like;
 * one with another code or enhanced code is text. */
static void
feed_joined(struct scan *sc, const unsigned char *p, const unsigned char *end)
{
	const unsigned char *h = p, *first = NULL, *q;
	size_t first_len = 0;

	while ((h = (const unsigned char *)memchr(h, '-', (size_t)(end - h))) != NULL) {
		if (h - p >= 3 && (h - p == 3 || h[-4] == ' ') && line_class(h - 3, end)) {
			first = h - 3;
			break;
		}
		h++;
	}
	if (!first) {
		feed(sc, p, end);
		return;
	}
	first_len = 4;
	{
		struct smtpcode_enhanced_code enh;
		int n = smtpcode_enhanced_parse((const char *)first + 4, (size_t)(end - first - 4), &enh);
		if (n > 0 && first + 4 + n < end && first[4 + n] == ' ')
			first_len += (size_t)n;
	}
	q = first + first_len;
	while (q < end && (h = (const unsigned char *)memchr(q, first[0], (size_t)(end - q))) != NULL) {
		size_t n = h > p && h[-1] == ' ' ? same_prefix(h, end, first, first_len) : 0;
		if (n) {
			feed(sc, p, h - 1);
			p = h + n;
		}
		q = h + (n ? n : 1);
	}
	feed(sc, p, end);
}

/* The whole input in one pass, a line at a time. A line that continues a
 * multi-line reply ("550-5.1.1 ...") is fed without its codes, so a phrase
 * broken across the lines of the reply still matches. */
static void
scan_input(struct scan *sc, const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf, *lim = p + len;

	for (;;) {
		const unsigned char *nl = (const unsigned char *)memchr(p, '\n', (size_t)(lim - p));
		const unsigned char *end = nl ? nl : lim;
		const unsigned char *q = p;
		unsigned c = line_class(p, end);
		if (c) {
			if (!sc->first_class)
				sc->first_class = c;
			sc->aside = c != sc->first_class;
			while (q < end && (*q == ' ' || *q == '\t'))
				q++;
			if (q < end && *q != '<') /* not a transcript's "<<< 550" */
				sc->bare_reply = 1;
		}
		if (p == (const unsigned char *)buf) {
			sc->first_nl = (const char *)end;
		} else {
			struct smtpcode_reply line;
			struct smtpcode_span text;
			size_t pos = 0;
			memset(&line, 0, sizeof line);
			line.raw.ptr = (const char *)p;
			line.raw.len = (size_t)(end - p);
			if (smtpcode_reply_next_text(&line, &pos, &text))
				p = (const unsigned char *)text.ptr;
		}
		feed_joined(sc, p, end);
		if (!nl)
			break;
		p = nl + 1;
	}
}

/* Does the reply code at `code` follow a transcript's "<<< " or "<-- "? */
static int
transcript_reply(const char *buf, const char *code)
{
	return code - buf >= 4 && code[-1] == ' ' &&
	       ((code[-4] == '<' && code[-3] == '<' && code[-2] == '<') ||
	        (code[-4] == '<' && code[-3] == '-' && code[-2] == '-'));
}

/* The end of the transcript's reply that starts at `code`: its lines go on
 * while each says another follows ("<<< 550-5.7.1 ...", then "<<< 550 ..."). */
static const char *
transcript_reply_end(const char *code, const char *lim)
{
	const char *p = code;

	for (;;) {
		const char *nl = (const char *)memchr(p, '\n', (size_t)(lim - p));
		if (!nl)
			return lim;
		if (lim - p < 4 || p[3] != '-')
			return nl;
		p = nl + 1;
		while (p < lim && (*p == ' ' || *p == '\t'))
			p++;
		if (lim - p < 7 || !transcript_reply(p, p + 4) || memcmp(p + 4, code, 3) != 0)
			return nl;
		p += 4;
	}
}

/* The end of a reply found in a text: not the line break after its last
 * line, which belongs to the text, and not the ")" or ">" of a carrier that
 * wrote it inside parentheses ("status=sent (250 Ok: queued as 4F2A)",
 * "(reason: 550 5.1.1 User unknown)") or Exchange's angle brackets ("#< #5.7.1
 * smtp;550 5.7.1 Rejected>"), one that ends it and opens nowhere in it. */
static void
trim_reply_end(struct smtpcode_span *raw)
{
	size_t i, open = 0, close = 0, n = raw->len;
	char closer, opener;

	while (n > 0 && is_space((unsigned char)raw->ptr[n - 1]))
		n--;
	raw->len = n;
	if (n == 0 || (raw->ptr[n - 1] != ')' && raw->ptr[n - 1] != '>'))
		return;
	closer = raw->ptr[n - 1];
	opener = closer == ')' ? '(' : '<';
	for (i = 0; i < n; i++) {
		open += raw->ptr[i] == opener;
		close += raw->ptr[i] == closer;
	}
	if (close > open)
		raw->len = n - 1;
	/* Python's "(550, b'...')": the quote that closes the reply's bytes. */
	n = raw->len;
	if (n > 6 && raw->ptr[3] == ',' && (raw->ptr[n - 1] == '\'' || raw->ptr[n - 1] == '"'))
		raw->len = n - 1;
}

/* An enhanced code that starts at p and ends at a blank or the line's end:
 * its length, or 0. */
static int
enhanced_word(const char *p, const char *lim, int blank_after, struct smtpcode_enhanced_code *e)
{
	int n = smtpcode_enhanced_parse(p, (size_t)(lim - p), e);

	if (n > 0 && (!blank_after || p + n == lim || is_space((unsigned char)p[n])))
		return n;
	memset(e, 0, sizeof *e);
	return 0;
}

/* A reply that has an enhanced code and no basic code ("5.1.1 user
 * unknown", as people type it or some systems write it): the code starts
 * the text (after blanks), or follows the first colon of its line after
 * words of a program's ("message sending failed: 4.7.1 Ratelimit
 * exceeded"); the reply is the rest of that line. */
/* Does the text [s, end) end in the word w (lower case), in any case? */
static int
ends_in_word(const char *s, const char *end, const char *w)
{
	size_t n = strlen(w), i;
	const char *p = end - n;

	if ((size_t)(end - s) < n || (p > s && ascii_letter((unsigned char)p[-1])))
		return 0;
	for (i = 0; i < n; i++)
		if ((p[i] | 0x20) != w[i])
			return 0;
	return 1;
}

static void
enhanced_reply(const char *p, const char *lim, struct smtpcode_reply *r)
{
	const char *nl, *start = p;
	int n;

	while (p < lim && (*p == ' ' || *p == '\t'))
		p++;
	if (lim - p > 1 && *p == '#' && p[1] >= '2' && p[1] <= '5') /* "#4.4.3 Temporary error ..." */
		p++;
	nl = (const char *)memchr(p, '\n', (size_t)(lim - p));
	n = enhanced_word(p, lim, 0, &r->enhanced);
	/* Else after a colon of the line: "Error: 4.3.2 ...", and after the
	 * label a program puts before it ("System.Net.Mail.SmtpException: Error
	 * in processing. The server response was: 4.3.111 ..."). */
	for (const char *end = nl ? nl : lim, *colon = p; n <= 0;) {
		colon = (const char *)memchr(colon, ':', (size_t)(end - colon));
		if (!colon)
			return;
		for (p = colon + 1; p < end && (*p == ' ' || *p == '\t'); p++)
			;
		/* Not a program's version ("PHPMailer version: 5.2.28"). */
		if (!ends_in_word(start, colon, "version"))
			n = enhanced_word(p, end, 1, &r->enhanced);
		colon++;
	}
	r->enhanced_span.ptr = p;
	r->enhanced_span.len = (size_t)n;
	r->raw.ptr = p;
	r->raw.len = (size_t)((nl ? nl : lim) - p);
	while (r->raw.len > 0 && (p[r->raw.len - 1] == '\r' || p[r->raw.len - 1] == ' '))
		r->raw.len--;
	r->lines = 1;
}

static int
only_whitespace(const unsigned char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!is_space(s[i]))
			return 0;
	return 1;
}

/* The signal that decides, with the action and permanent bounce type it
 * states itself (SMTPCODE__NO_ACTION: the reason's own). `level` ranks it;
 * `signal` names it (a specific basic code ranks as a specific enhanced
 * code does, and is still the basic code). */
struct decision {
	enum smtpcode_signal level, signal;
	enum smtpcode_reason reason;
	unsigned action, bounce;
	struct smtpcode_span matched;
};

/* The permanent bounce type the decision states, or its reason's. */
static enum smtpcode_bounce
decided_bounce(const struct decision *d)
{
	return d->bounce != SMTPCODE__NO_ACTION ? (enum smtpcode_bounce)d->bounce : smtpcode_reason_bounce(d->reason);
}

static void
decide_as(struct decision *d, enum smtpcode_signal level, enum smtpcode_signal signal, unsigned reason,
          unsigned action, unsigned bounce, struct smtpcode_span matched)
{
	if (level <= d->level)
		return;
	d->level = level;
	d->signal = signal;
	d->reason = (enum smtpcode_reason)reason;
	d->action = action;
	d->bounce = bounce;
	d->matched = matched;
}

static void
decide(struct decision *d, enum smtpcode_signal level, unsigned reason, unsigned action, unsigned bounce,
       struct smtpcode_span matched)
{
	decide_as(d, level, level, reason, action, bounce, matched);
}

/* A reason that names a temporary condition ("try again later") is
 * contradicted by a 5xx, whose class says the refusal is final: under a
 * 5xx it decides as generic wording at best (data/taxonomy.toml). */
static enum smtpcode_signal
under_class(enum smtpcode_signal level, unsigned reason, unsigned cls)
{
	if (cls != 5 || !(SMTPCODE__TEMPORARY_REASONS >> reason & 1))
		return level;
	if (level == SMTPCODE_SIGNAL_PHRASE)
		return SMTPCODE_SIGNAL_GENERIC_PHRASE;
	if (level == SMTPCODE_SIGNAL_ENHANCED)
		return SMTPCODE_SIGNAL_GENERIC_ENHANCED;
	return level;
}

/* The level a phrase or token decides at, for the reason it gives. */
static enum smtpcode_signal
pattern_level(const struct smtpcode__pattern *p, unsigned reason, unsigned cls)
{
	return p->kind == PATTERN_TOKEN    ? SMTPCODE_SIGNAL_TOKEN
	       : p->kind == PATTERN_PHRASE ? under_class(SMTPCODE_SIGNAL_PHRASE, reason, cls)
	                                   : SMTPCODE_SIGNAL_GENERIC_PHRASE;
}

/* The class a log's status stands for, where no code says: sent 2,
 * deferred 4, bounced or expired 5. */
static const unsigned char log_class[SMTPCODE_LOG_COUNT] = {0, 2, 4, 5, 5};

/* Who a failure at this stage refused, when that is all that is known:
 * at MAIL FROM the sender; at the greeting or EHLO, permanently, the
 * connecting host (all the server knows of it is its address and name).
 * A 421 closes the session whatever the command: it refuses no one.
 * SMTPCODE_REASON_UNKNOWN: the stage says nothing. */
static enum smtpcode_reason
refused_party(enum smtpcode_stage stage, unsigned cls, unsigned code)
{
	if (code == 421)
		return SMTPCODE_REASON_UNKNOWN;
	if ((cls == 4 || cls == 5) && stage == SMTPCODE_STAGE_MAIL)
		return SMTPCODE_REASON_SENDER_REJECTED;
	if (cls == 5 && (stage == SMTPCODE_STAGE_CONNECT || stage == SMTPCODE_STAGE_EHLO))
		return SMTPCODE_REASON_IP_BLOCKLISTED;
	return SMTPCODE_REASON_UNKNOWN;
}

/* The address a refusal starts with, as Postfix's and Sendmail's name the
 * recipient they refuse ("550 5.1.1 <a@b>: Recipient address rejected",
 * "550 5.1.1 <a@b>... User unknown"): right after the codes, in angle
 * brackets before a colon or "...", or bare before "...". Empty when the
 * reply starts otherwise. */
static struct smtpcode_span
addressed_to(const struct smtpcode_reply *reply, const char *lim)
{
	struct smtpcode_span none = {NULL, 0}, out, first;
	const char *p, *start, *at = NULL;
	size_t pos = 0;
	int bracket;

	/* The first line's text ("550-5.1.1 <a@b>: Recipient address
	 * rejected:", then "550 5.1.1 User unknown"), or an enhanced code's
	 * alone ("4.2.0 <a@b>: Recipient address rejected: Greylisted"). */
	if (reply->code_span.len && smtpcode_reply_next_text(reply, &pos, &first))
		p = first.ptr;
	else if (!reply->code_span.len && reply->enhanced_span.len && reply->enhanced_span.ptr == reply->raw.ptr)
		p = reply->enhanced_span.ptr + reply->enhanced_span.len;
	else
		return none;
	while (p < lim && (*p == ' ' || *p == '\t'))
		p++;
	bracket = p < lim && *p == '<';
	start = p += bracket;
	for (; p < lim && p - start < 254 && *p != '>' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r'; p++) {
		if (*p == '@') {
			if (at)
				return none;
			at = p;
		}
		if (!bracket && *p == '.' && p + 2 < lim && p[1] == '.' && p[2] == '.')
			break;
	}
	if (!at || at == start || p - at < 4)
		return none;
	out.ptr = start;
	out.len = (size_t)(p - start);
	if (bracket && (p == lim || *p++ != '>'))
		return none;
	if (bracket && p + 1 < lim && *p == ' ' && p[1] == ':')
		p++; /* French typography: "<a@b> : ..." */
	if (p < lim && *p == ':')
		p++;
	else if (lim - p >= 3 && p[0] == '.' && p[1] == '.' && p[2] == '.')
		p += 3;
	else
		return none;
	/* "<a@b>: Sender address rejected", "<a@b>... Domain of sender
	 * address ...": the address is the sender's. */
	while (p < lim && *p == ' ')
		p++;
	return smtpcode__about_sender(p, lim) ? none : out;
}

/* A row of a table that a sending service exports or shows (CSV,
 * tab-separated, a pasted grid): its first cell is the recipient's
 * address, the only one before the reply, which comes in a later cell ("a@b,bounce,550,\"550 5.1.1
 * ...\""). Empty when the input does not start so. */
static struct smtpcode_span
row_recipient(const char *buf, const char *lim, const struct smtpcode_reply *reply)
{
	struct smtpcode_span none = {NULL, 0}, out;
	const char *p = buf, *start, *at = NULL;

	while (p < lim && (*p == ' ' || *p == '\t'))
		p++;
	p += p < lim && *p == '"';
	for (start = p; p < lim && p - start < 254 && *p != ',' && *p != ';' && *p != '\t' && *p != '|' && *p != '"' &&
	                *p != ' ' && *p != '\n' && *p != '\r';
	     p++)
		if (*p == '@') {
			if (at)
				return none;
			at = p;
		}
	if (!at || at == start || p - at < 4 || !reply->raw.ptr || reply->raw.ptr < p)
		return none;
	out.ptr = start;
	out.len = (size_t)(p - start);
	p += p < lim && *p == '"';
	while (p < lim && *p == ' ')
		p++;
	if (p == lim || (*p != ',' && *p != ';' && *p != '\t' && *p != '|'))
		return none;
	/* Another address before the reply: a row of sender and recipient,
	 * or of a list and its member; which cell is which, only the table's
	 * header says. */
	return memchr(p, '@', (size_t)(reply->raw.ptr - p)) ? none : out;
}

/* Where the question starts that a line (a line break at most at its end)
 * ends with: after the last sentence before its question mark. NULL when
 * it ends otherwise. */
static const char *
question_at(const char *buf, size_t len)
{
	size_t i;

	while (len > 0 && is_space((unsigned char)buf[len - 1]))
		len--;
	if (len == 0 || buf[len - 1] != '?' || memchr(buf, '\n', len))
		return NULL;
	for (i = len - 1; i > 0; i--)
		if ((buf[i - 1] == '.' || buf[i - 1] == '!' || buf[i - 1] == '?' || buf[i - 1] == ':' ||
		     buf[i - 1] == ';') &&
		    buf[i] == ' ')
			return buf + i;
	return buf;
}

/* A refused login: a reply to AUTH (534, 535, 538), the sender's to fix. */
static int
login_refused(unsigned code)
{
	return code == 534 || code == 535 || code == 538;
}

/* Bit (code - 200) of one of the basic codes' tables of data/basic.toml:
 * smtpcode__specific_basic, smtpcode__guess_basic. */
static int
basic_bit(const uint8_t *bits, unsigned code)
{
	return code >= 200 && code < 600 && bits[(code - 200) / 8] >> (code - 200) % 8 & 1;
}

/* A walk over a reply's words: the runs of bytes between blanks, line by
 * line of its text. */
struct reply_words {
	const struct smtpcode_reply *reply;
	size_t pos;
	const char *p, *end;
};

static int
next_word(struct reply_words *w, struct smtpcode_span *word)
{
	struct smtpcode_span t;

	for (;;) {
		while (w->p < w->end && is_space((unsigned char)*w->p))
			w->p++;
		if (w->p < w->end)
			break;
		if (!smtpcode_reply_next_text(w->reply, &w->pos, &t))
			return 0;
		w->p = t.ptr;
		w->end = t.ptr + t.len;
	}
	word->ptr = w->p;
	while (w->p < w->end && !is_space((unsigned char)*w->p))
		w->p++;
	word->len = (size_t)(w->p - word->ptr);
	return 1;
}

/* Does the reply say something in words of its own: two letters or more,
 * or text that is not ASCII, in a word that is no address ("<a@b>",
 * "a@b"), host name or IP address ("mx.example.com", "[192.0.2.1]")? */
static int
reply_has_words(const struct smtpcode_reply *r)
{
	struct reply_words w = {r, 0, NULL, NULL};
	struct smtpcode_span word;

	while (next_word(&w, &word)) {
		const unsigned char *tok = (const unsigned char *)word.ptr, *end = tok + word.len, *q;
		int letters = 0, named = 0;

		for (q = tok; q < end; q++)
			if (*q == '@' || *q == '<' || *q == '[' || (*q == '.' && q > tok && q + 1 < end && q[1] != '.'))
				named = 1;
		for (q = tok; q < end && !named; q++) {
			letters = (*q >= 0x80 || ((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z')) ? letters + 1 : 0;
			if (letters >= 2 || *q >= 0x80)
				return 1;
		}
	}
	return 0;
}

/* Of a reply's text, at most this many bytes are read again without its
 * addresses: a reply line of RFC 5321 is 512 bytes. */
#define AROUND_MAX 512

/* The best phrase of a reply's words read without its addresses and the
 * names in angle brackets ("550 User <bob@example.com> unknown", "550
 * Mailbox (a@b) not found", Courier's "550 User <bob> unknown"): its
 * pattern, with in *seen the reply's bytes from the phrase's first to its
 * last; or -1 when there is none, no address was left out, or the text is
 * longer than AROUND_MAX. */
static int
words_around_addresses(const struct smtpcode_reply *r, struct smtpcode_span *seen)
{
	char copy[AROUND_MAX];
	uint16_t at[AROUND_MAX]; /* where each byte of copy is, from r->raw.ptr */
	struct reply_words w = {r, 0, NULL, NULL};
	struct smtpcode_span word;
	struct scan sc;
	size_t n = 0, first, last;
	int left_out = 0;

	if (r->raw.len >= 0xffff)
		return -1;
	while (next_word(&w, &word)) {
		const char *q = word.ptr, *after = word.ptr + word.len;
		if (memchr(q, '@', word.len) || (word.len >= 2 && *q == '<' && after[-1] == '>')) {
			left_out = 1;
		} else {
			if (n + word.len + 1 > AROUND_MAX)
				return -1;
			for (; q < after; q++, n++) {
				copy[n] = *q;
				at[n] = (uint16_t)(q - r->raw.ptr);
			}
		}
		/* One blank between the words kept, where the first blank after
		 * this word is (or its last byte, at a line's end). */
		if (n > 0 && copy[n - 1] != ' ' && n < AROUND_MAX) {
			copy[n] = ' ';
			at[n] = (uint16_t)((after < w.end ? after : after - 1) - r->raw.ptr);
			n++;
		}
	}
	if (!left_out || n == 0)
		return -1;
	scan_init(&sc, copy, n, NULL);
	scan_input(&sc, copy, n);
	if (sc.reason < 0 || !sc.reason_span.ptr || sc.reason_span.len == 0)
		return -1;
	first = (size_t)(sc.reason_span.ptr - copy);
	last = first + sc.reason_span.len - 1;
	seen->ptr = r->raw.ptr + at[first];
	seen->len = (size_t)(at[last] - at[first]) + 1;
	return sc.reason;
}

/* The first address inside a span of words, without the brackets,
 * parentheses or quotes around it; empty when there is none. */
static struct smtpcode_span
address_within(struct smtpcode_span words)
{
	struct smtpcode_span none = {NULL, 0}, out;
	const char *at = (const char *)memchr(words.ptr, '@', words.len), *end = words.ptr + words.len, *a, *b;

	if (!at)
		return none;
	for (a = at; a > words.ptr && !is_space((unsigned char)a[-1]) && a[-1] != '<' && a[-1] != '(' &&
	             a[-1] != '\'' && a[-1] != '"';
	     a--)
		;
	for (b = at + 1; b < end && !is_space((unsigned char)*b) && *b != '>' && *b != ')' && *b != '\'' && *b != '"' &&
	                 *b != ',' && *b != ';';
	     b++)
		;
	if (a == at || b - at < 4 || memchr(at + 1, '@', (size_t)(b - at - 1)))
		return none;
	out.ptr = a;
	out.len = (size_t)(b - a);
	return out;
}

/* An enhanced code that names no cause. X.6.0 does: the content, whatever
 * else the words say ("550 5.6.0 <a@b>: Recipient address rejected: Media
 * error"); the other X.s.0 codes come with any refusal (Outlook's "550 5.5.0
 * Requested action not taken: mailbox unavailable"). */
static int
is_generic(const struct smtpcode_enhanced *e)
{
	return (e->detail == 0 && e->subject != 6) || e->reason == SMTPCODE_REASON_POLICY ||
	       e->reason == SMTPCODE_REASON_UNKNOWN;
}

static int classify(const char *buf, size_t len, enum smtpcode_stage stage, const char *host, size_t host_len,
                    int report, int spaced, struct smtpcode_result *out);

int
smtpcode_classify(const char *buf, size_t len, enum smtpcode_stage stage, const char *host, size_t host_len,
                  struct smtpcode_result *out)
{
	return classify(buf, len, stage, host, host_len, 0, 0, out);
}

int
smtpcode__classify_report(const char *buf, size_t len, enum smtpcode_stage stage, int report,
                          struct smtpcode_result *out)
{
	return classify(buf, len, stage, NULL, 0, report, 0, out);
}

/* qmail-send logs the report of a delivery with '_' for each space and '/'
 * for each line break ("delivery 183: failure: 192.0.2.30_does_not_like_
 * recipient./Remote_host_said:_550_..."). Such a line is read again from a
 * copy with spaces put back, of the same length: what was found there is
 * then moved to the input, byte for byte. A longer line is read as it is. */
#define QMAIL_LINE_MAX 2048

static int
qmail_underscored(const char *at, const char *lim)
{
	int underscore = 0;

	for (; at < lim; at++) {
		if (*at == ' ' || *at == '\t')
			return 0;
		underscore |= *at == '_';
	}
	return underscore;
}

static void
moved(struct smtpcode_span *s, const char *copy, size_t len, const char *buf)
{
	if (s->ptr && s->ptr >= copy && s->ptr <= copy + len)
		s->ptr = buf + (s->ptr - copy);
}

static int
classify_spaced(const char *buf, size_t len, const char *from, enum smtpcode_stage stage, const char *host,
                size_t host_len, int report, struct smtpcode_result *out)
{
	char copy[QMAIL_LINE_MAX];
	size_t i;
	int rc;

	memcpy(copy, buf, len);
	for (i = (size_t)(from - buf); i < len; i++)
		if (copy[i] == '_' || copy[i] == '/')
			copy[i] = ' ';
	rc = classify(copy, len, stage, host, host_len, report, 1, out);
	moved(&out->reply.raw, copy, len, buf);
	moved(&out->reply.code_span, copy, len, buf);
	moved(&out->reply.enhanced_span, copy, len, buf);
	moved(&out->host, copy, len, buf);
	moved(&out->vendor_evidence, copy, len, buf);
	moved(&out->matched, copy, len, buf);
	moved(&out->recipient, copy, len, buf);
	moved(&out->queue_id, copy, len, buf);
	moved(&out->timestamp, copy, len, buf);
	return rc;
}

static int
classify(const char *buf, size_t len, enum smtpcode_stage stage, const char *host, size_t host_len, int report,
         int spaced, struct smtpcode_result *out)
{
	struct smtpcode__carrier car;
	struct scan sc;
	struct decision d;
	const char *code_at, *reply_from;
	const struct smtpcode_enhanced *e = NULL;
	struct smtpcode_enhanced_code *enh;
	unsigned cls;
	size_t prefix; /* docker compose's service name before a log line */
	int retried; /* a delay notice: the sending side still retries */
	enum smtpcode_reason refused; /* who the stage alone says was refused */
	int given_up; /* a failure report around the reply: the sending side gave up on it */
	int gave_up; /* the sending side says no retry will come */
	const struct smtpcode__pattern *by_phrase; /* the phrase or token that decided, or NULL */
	const char *asked; /* where a question that ends the text starts */
	struct smtpcode_span named = {NULL, 0}; /* an address inside the words that decided */

	if (!out)
		return SMTPCODE_EINVAL;
	memset(out, 0, sizeof *out);
	out->reason = SMTPCODE_REASON_UNKNOWN;
	out->action = SMTPCODE_ACTION_INVESTIGATE;
	out->bounce = SMTPCODE_BOUNCE_UNKNOWN;
	out->verdict = SMTPCODE_VERDICT_UNKNOWN;
	if ((!buf && len) || (!host && host_len) || (unsigned)stage >= SMTPCODE_STAGE_COUNT)
		return SMTPCODE_EINVAL;
	if (len == 0 || only_whitespace((const unsigned char *)buf, len))
		return SMTPCODE_EEMPTY;

	/* 1. One pass of the DFA over the input: carrier markers, vendor evidence,
	 * phrases and tokens. */
	memset(&car, 0, sizeof car);
	scan_init(&sc, buf, len, &car);
	scan_input(&sc, buf, len);
	if (!spaced && car.qmail_at && len <= QMAIL_LINE_MAX && qmail_underscored(car.qmail_at, buf + len))
		return classify_spaced(buf, len, car.qmail_at, stage, host, host_len, report, out);

	/* Sendmail writes a failure's own words after stat= ("stat=User
	 * unknown"), with its class in dsn=: a 5 is a bounce. */
	if (car.stat_seen && car.log_status == SMTPCODE_LOG_NONE && car.status.len && car.status.ptr[0] == '5')
		car.log_status = SMTPCODE_LOG_BOUNCED;

	/* The only reply after a transcript's DATA answers it, unless it says
	 * DATA came with no recipient taken. */
	if ((car.stage == SMTPCODE_STAGE_UNKNOWN || car.stage_sent) && car.data_sent && car.replies_after_data == 1 &&
	    !car.data_complaint)
		car.stage = SMTPCODE_STAGE_DATA;
	if (car.data_sent && car.data_complaint && car.before_data)
		car.sent_at = car.before_data;

	/* 2. Where is the reply, and what does its carrier say? (In a session
	 * transcript, the reply to the last command sent.) */
	reply_from = car.reply_at ? car.reply_at : car.sent_at ? car.sent_at : buf;
	/* Where the carrier says the reply starts, a code there is one whatever
	 * comes before it (OpenSMTPD's "stat=550 5.1.1 ..."). */
	code_at = car.reply_at ? smtpcode__find_code(car.reply_at, len - (size_t)(car.reply_at - buf), car.reply_at)
	                       : smtpcode__find_code(buf, len, reply_from);
	if (!code_at && reply_from == car.sent_at)
		code_at = smtpcode__find_code(buf, len, buf);
	if (code_at) {
		smtpcode__parse_reply_nl(code_at, len - (size_t)(code_at - buf),
		                         code_at < sc.first_nl ? sc.first_nl : NULL, &out->reply);
		smtpcode__reply_take_wrapped(&out->reply, buf, buf + len, car.trailer_at);
	} else
		enhanced_reply(reply_from, buf + len, &out->reply);
	out->carrier = car.kind != SMTPCODE_CARRIER_NONE ? car.kind
	               : out->reply.raw.len ? SMTPCODE_CARRIER_BARE : SMTPCODE_CARRIER_NONE;
	enh = &out->reply.enhanced;
	if (!enh->cls && car.status.len &&
	    smtpcode_enhanced_parse(car.status.ptr, car.status.len, enh) == (int)car.status.len)
		out->reply.enhanced_span = car.status;
	/* Postfix's "(in reply to RCPT TO command)" and its closing parenthesis
	 * are the carrier's words, not the reply's. */
	if (car.trailer_at && car.trailer_at > out->reply.raw.ptr &&
	    car.trailer_at <= out->reply.raw.ptr + out->reply.raw.len) {
		out->reply.raw.len = (size_t)(car.trailer_at - out->reply.raw.ptr);
		while (out->reply.raw.len > 0 && is_space((unsigned char)out->reply.raw.ptr[out->reply.raw.len - 1]))
			out->reply.raw.len--;
	}
	trim_reply_end(&out->reply.raw);
	if (!car.recipient.len && car.msgid_seen)
		car.recipient = car.mda_user; /* Dovecot's delivery of one message to its user */
	out->recipient = car.recipient;
	out->queue_id = car.queue_id;
	out->log_status = car.log_status;
	prefix = smtpcode__log_prefix(buf, buf + len);
	out->timestamp.len = smtpcode__timestamp(buf + prefix, buf + len);
	out->timestamp.ptr = out->timestamp.len ? buf + prefix : NULL;
	out->stage = stage != SMTPCODE_STAGE_UNKNOWN ? stage : car.stage;
	if (host) {
		out->host.ptr = host;
		out->host.len = host_len;
	} else {
		out->host = car.host.len ? car.host : car.named_host;
	}

	if (host) {
		struct scan hs;
		scan_init(&hs, host, host_len, NULL);
		feed(&hs, (const unsigned char *)host, (const unsigned char *)host + host_len);
		if (hs.vendor >= 0) {
			out->vendor = (enum smtpcode_vendor)smtpcode__patterns[hs.vendor].vendor;
			out->vendor_evidence = hs.vendor_span;
		}
	}
	if (!out->vendor && sc.vendor >= 0) {
		out->vendor = (enum smtpcode_vendor)smtpcode__patterns[sc.vendor].vendor;
		out->vendor_evidence = sc.vendor_span;
	}

	if (car.reply_at) {
		sc.reason = sc.reply_reason;
		sc.reason_span = sc.reply_reason_span;
	} else if (code_at && transcript_reply(buf, code_at)) {
		/* In a session transcript, the server's reply to the last command
		 * is its word on the recipient. The client's restatement after it
		 * (Sendmail's "550 5.1.1 <a@example.com>... User unknown" under
		 * "<<< 550 5.2.1 ... is disabled"), other sessions' replies and
		 * the summary above do not decide: its lines are read again alone.
		 * Where they name no cause, the client's word that it gave up
		 * ("could not be delivered for 5 days") still does. */
		const char *end = transcript_reply_end(code_at, buf + len);
		struct scan rs;
		scan_init(&rs, code_at, (size_t)(end - code_at), NULL);
		scan_input(&rs, code_at, (size_t)(end - code_at));
		if (rs.reason >= 0 || sc.reason < 0 || !sc.gave_up ||
		    smtpcode__patterns[sc.reason].reason != SMTPCODE_REASON_EXPIRED) {
			sc.reason = rs.reason;
			sc.reason_span = rs.reason_span;
		}
		sc.other_reason = -1;
	}
	if (sc.reason < 0 && sc.other_reason >= 0 && (!car.reply_at || (const char *)sc.other_end > car.reply_at)) {
		sc.reason = sc.other_reason;
		sc.reason_span = sc.other_span;
	}
	/* Postfix's "delivery temporarily suspended" says a delivery waits for
	 * its next try, unless the report around it says none will come. */
	if (car.suspended && report != SMTPCODE__GIVEN_UP)
		car.delayed = 1;
	/* The basic code's class counts; else the enhanced code's; else a DSN's
	 * Action or a log's status; else a delay notice's words, or wording that
	 * says the failure is temporary ("Host not found, try again"), deciding,
	 * before the words that do ("temporarily rejected RCPT <a@b>: ...") or
	 * beside wording that names a refusal but not its cause ("Recipient
	 * address rejected: Please try again later"); not after a cause ("No
	 * such user. If you think this is a temporary error, ...") nor denied
	 * ("not a temporary error"). */
	/* (A DSN's "Action: delivered" over a failure's Status, as some
	 * Exchange receipts write "Status: 5.4.0": delivered is what happened.) */
	cls = out->reply.code ? out->reply.code / 100 : car.dsn_class == 2 ? 2 : enh->cls ? enh->cls : car.dsn_class ? car.dsn_class
	      : log_class[car.log_status] ? log_class[car.log_status] : car.delayed ? 4
	      : sc.reason >= 0 ? (sc.temporary_at && (smtpcode__patterns[sc.reason].kind == PATTERN_GENERIC ||
	                                              sc.temporary_at < sc.reason_span.ptr)
	                              ? 4
	                              : smtpcode__patterns[sc.reason].cls)
	      : 0;

	/* 3. The most specific signal decides. */
	memset(&d, 0, sizeof d);
	d.reason = SMTPCODE_REASON_UNKNOWN;
	d.action = d.bounce = SMTPCODE__NO_ACTION;
	/* A DSN whose Diagnostic-Code is of type X-Unix gives the exit status of
	 * the program the mail was handed to: that program failed. Why, only
	 * its words say ("maildir over quota"); wording that names no cause
	 * ("Permission denied") says less. */
	if (car.program.len)
		decide(&d, SMTPCODE_SIGNAL_GENERIC_PHRASE, SMTPCODE_REASON_MAILER_ERROR, SMTPCODE__NO_ACTION,
		       SMTPCODE__NO_ACTION, car.program);
	if (sc.reason >= 0 && smtpcode__patterns[sc.reason].unanswered && out->reply.code >= 500 &&
	    out->reply.code < 600 && sc.reason_span.ptr >= out->reply.raw.ptr &&
	    sc.reason_span.ptr < out->reply.raw.ptr + out->reply.raw.len) {
		/* "No server answered" in a server's own 5xx ("550 Connection
		 * refused"): that server did answer, and refused; why, it does not
		 * say. (Not another line's words: a transcript's later "421 ...
		 * Connection timed out".) */
		decide(&d, SMTPCODE_SIGNAL_GENERIC_PHRASE, SMTPCODE_REASON_POLICY, SMTPCODE__NO_ACTION, SMTPCODE__NO_ACTION,
		       sc.reason_span);
	} else if (sc.reason >= 0) {
		const struct smtpcode__pattern *p = &smtpcode__patterns[sc.reason];
		/* "does not exist" after a domain name: the domain does not. */
		unsigned reason = p->after_domain && domain_before(buf, sc.reason_span) ? p->after_domain : p->reason;
		decide(&d, pattern_level(p, reason, cls), reason, reason == p->reason ? p->action : SMTPCODE__NO_ACTION,
		       reason == p->reason ? p->bounce : SMTPCODE__NO_ACTION, sc.reason_span);
		if (p->vendor && !out->vendor) {
			out->vendor = (enum smtpcode_vendor)p->vendor;
			out->vendor_evidence = d.matched;
		}
	}
	/* A DSN's Status of X.0.0 under a reply that had no enhanced code
	 * ("552 Too much mail data", Status: 5.0.0) is the reporting side's
	 * filler: the reply's own code says more. */
	if (enh->cls && !(out->reply.enhanced_span.ptr == car.status.ptr && out->reply.code && enh->subject == 0 &&
	                  enh->detail == 0)) {
		const struct smtpcode_vendor_code *vc;
		e = smtpcode_enhanced_detail(enh->subject, enh->detail);
		/* A detail the registry gives only another class ("501 5.1.5":
		 * X.1.5 is a success) means nothing of its own in this one. */
		if (e && e->classes && !(e->classes & (1u << enh->cls)))
			e = NULL;
		vc = smtpcode_vendor_code_find(out->vendor, enh);
		if (vc) {
			if (out->vendor != vc->vendor) {
				out->vendor = (enum smtpcode_vendor)vc->vendor;
				out->vendor_evidence = out->reply.enhanced_span;
			}
			decide(&d, SMTPCODE_SIGNAL_VENDOR_CODE, vc->reason, vc->action, vc->bounce,
			       out->reply.enhanced_span);
		}
		/* Wording that names a refusal of the address but not its cause
		 * ("Recipient address rejected: ...", an access map's own text)
		 * does not make a security or policy status (X.7.x) a bad
		 * address: the code says which kind of refusal it was. */
		if (e && is_generic(e) && enh->subject == 7 && d.level == SMTPCODE_SIGNAL_GENERIC_PHRASE &&
		    smtpcode_reason_bounce(d.reason) == SMTPCODE_BOUNCE_HARD)
			decide_as(&d, SMTPCODE_SIGNAL_STAGE, SMTPCODE_SIGNAL_GENERIC_ENHANCED, e->reason, e->action, e->bounce,
			          out->reply.enhanced_span);
		else if (e)
			decide(&d,
			       is_generic(e) ? SMTPCODE_SIGNAL_GENERIC_ENHANCED
			                     : under_class(SMTPCODE_SIGNAL_ENHANCED, e->reason, cls),
			       e->reason, e->action, e->bounce, out->reply.enhanced_span);
		else if (enh->subject >= 3 && (e = smtpcode_enhanced_detail(enh->subject, 0)) != NULL)
			/* A detail no registry lists ("550 5.7.193"): its subject still
			 * says which kind of failure it was (X.7: security or policy),
			 * as X.S.0 does, which the bare 550 (a bad mailbox) does not. Of
			 * an address or a mailbox (X.1, X.2), the basic code says as much. */
			decide(&d, SMTPCODE_SIGNAL_GENERIC_ENHANCED, e->reason, e->action, e->bounce, out->reply.enhanced_span);
	}
	if ((refused = refused_party(out->stage, cls, out->reply.code)) != SMTPCODE_REASON_UNKNOWN) {
		struct smtpcode_span none = {NULL, 0};
		decide(&d, SMTPCODE_SIGNAL_STAGE, refused, SMTPCODE__NO_ACTION, SMTPCODE__NO_ACTION, none);
	}
	if (out->reply.code) {
		const struct smtpcode_basic *b = smtpcode_basic_lookup(out->reply.code);
		/* A code of one meaning (521: this host takes no mail) whose text
		 * says the sender is blocked ("521 <192.0.2.1> is blocked") does
		 * take mail, only not this sender's: the block decides. */
		int blocked = d.level == SMTPCODE_SIGNAL_GENERIC_PHRASE && d.reason != SMTPCODE_REASON_SERVICE_UNAVAILABLE &&
		              decided_bounce(&d) == SMTPCODE_BOUNCE_BLOCK;
		/* A code that servers send for many causes ("550") guesses the
		 * likeliest; words it cannot read ("550 don't like this host")
		 * may say another: a person has to read them. (Not under an
		 * enhanced code of an address or a mailbox: "550 5.1.99 Rejected".) */
		if (b && basic_bit(smtpcode__guess_basic, b->code) && d.level < SMTPCODE_SIGNAL_BASIC &&
		    !(enh->cls && (enh->subject == 1 || enh->subject == 2)) && reply_has_words(&out->reply)) {
			/* Unless they are known words around an address. */
			struct smtpcode_span seen;
			int around = words_around_addresses(&out->reply, &seen);
			if (around >= 0) {
				const struct smtpcode__pattern *p = &smtpcode__patterns[around];
				named = address_within(seen);
				decide(&d, pattern_level(p, p->reason, cls), p->reason, p->action, p->bounce, seen);
			} else
				decide(&d, SMTPCODE_SIGNAL_BASIC, SMTPCODE_REASON_UNKNOWN, SMTPCODE__NO_ACTION,
				       SMTPCODE__NO_ACTION, out->reply.code_span);
		} else if (b)
			decide_as(&d,
			          basic_bit(smtpcode__specific_basic, b->code) && !blocked ? SMTPCODE_SIGNAL_ENHANCED : SMTPCODE_SIGNAL_BASIC,
			          SMTPCODE_SIGNAL_BASIC, b->reason, b->action, b->bounce, out->reply.code_span);
		else
			decide(&d, SMTPCODE_SIGNAL_BASIC, cls <= 3 ? SMTPCODE_REASON_ACCEPTED : SMTPCODE_REASON_UNKNOWN,
			       SMTPCODE__NO_ACTION, SMTPCODE__NO_ACTION, out->reply.code_span);
	}

	/* 4. Success is success, whatever the text says; a refusal of the session
	 * or the sender says nothing about the recipient's address. A server
	 * that took the recipient at RCPT TO and calls it unknown only once it
	 * has seen the sender and the content judged the message, not the
	 * address: the recipient's side filtered it (the usual way of mobile
	 * carriers that hide a recipient's own block list). A vendor's own code
	 * or token is taken at its word. */
	if (d.reason == SMTPCODE_REASON_USER_UNKNOWN && d.level < SMTPCODE_SIGNAL_VENDOR_CODE &&
	    (out->stage == SMTPCODE_STAGE_DATA || out->stage == SMTPCODE_STAGE_END_OF_DATA)) {
		d.reason = SMTPCODE_REASON_RECIPIENT_FILTERED;
		d.action = d.bounce = SMTPCODE__NO_ACTION;
	}
	by_phrase = sc.reason >= 0 && d.matched.ptr == sc.reason_span.ptr ? &smtpcode__patterns[sc.reason] : NULL;
	/* The sending side says it has given up: no retry will come, whatever
	 * the class of the status it kept (Postfix, Sendmail and qmail keep
	 * 4.4.1 or 4.4.7 when a message expires). Not in a delay notice, whose
	 * "unable to deliver after 1 day" comes with "Action: delayed", nor in
	 * a log's deferral (Exim's "== ... retry time not reached"). */
	retried = car.dsn_class == 4 || car.delayed || report == SMTPCODE__RETRIED;
	given_up = report == SMTPCODE__GIVEN_UP;
	gave_up = (sc.gave_up || car.gave_up || given_up || car.dsn_class == 5 || car.log_status == SMTPCODE_LOG_EXPIRED) &&
	          !retried && car.log_status != SMTPCODE_LOG_DEFERRED;
	/* The sending side gave up (X.4.7, "message expired", a DSN's failed
	 * with a transient status, a failure report around a transient reply:
	 * `given_up`) and no server of the recipient's ever answered
	 * (connections refused, timed out, unreachable; X.4.1): the message
	 * expired. Where one answered ("lost connection"), its words are the
	 * cause, as is a DNS failure (the domain's own fault); while the
	 * sending side still retries (a delay notice), the network is. */
	if (d.reason == SMTPCODE_REASON_NETWORK_ERROR && d.level < SMTPCODE_SIGNAL_VENDOR_CODE &&
	    (by_phrase ? by_phrase->unanswered : enh->subject == 4 && enh->detail == 1) &&
	    (sc.gave_up || car.gave_up || (given_up && cls != 5) || (car.dsn_class == 5 && cls == 4) ||
	     (enh->subject == 4 && enh->detail == 7 && !retried))) {
		d.reason = SMTPCODE_REASON_EXPIRED;
		d.action = d.bounce = SMTPCODE__NO_ACTION;
	}
	/* An expiry in words that say only that no server answered (Gmail's
	 * "did not accept our requests to connect") is, in a delay notice,
	 * a network error the sending side still retries. (Not a network
	 * error the rule above has just made an expiry.) */
	if (d.reason == SMTPCODE_REASON_EXPIRED && by_phrase && by_phrase->reason == SMTPCODE_REASON_EXPIRED &&
	    by_phrase->unanswered && retried && !sc.gave_up) {
		d.reason = SMTPCODE_REASON_NETWORK_ERROR;
		d.action = d.bounce = SMTPCODE__NO_ACTION;
	}
	/* A delay notice that names no cause (DSN "Action: delayed" with
	 * "Status: 4.0.0" or no status): the message is still waiting to go, as
	 * "has been delayed" says in words. */
	if (d.reason == SMTPCODE_REASON_UNKNOWN && d.level <= SMTPCODE_SIGNAL_GENERIC_ENHANCED && car.dsn_class == 4 &&
	    (!enh->cls || (enh->subject == 0 && enh->detail == 0))) {
		d.reason = SMTPCODE_REASON_EXPIRED;
		d.action = SMTPCODE_ACTION_RETRY_LATER;
		d.bounce = SMTPCODE__NO_ACTION;
	}
	if (cls == 2 || cls == 3) {
		d.reason = SMTPCODE_REASON_ACCEPTED;
		d.action = SMTPCODE_ACTION_NONE;
		if (out->reply.code) {
			d.level = d.signal = SMTPCODE_SIGNAL_BASIC;
			d.matched = out->reply.code_span;
		}
	}
	if (cls == 2 || cls == 3)
		out->bounce = SMTPCODE_BOUNCE_NONE;
	else if (cls == 4 && gave_up)
		/* Given up on a transient reply: no retry will come, so the cause
		 * is what the sender must deal with (a TLS demand, a block, an
		 * expiry), as under a 5xx. Never a hard bounce from a 4xx, and a
		 * cause that is only ever temporary (a busy server) blames no
		 * one: unknown. */
		out->bounce = decided_bounce(&d) == SMTPCODE_BOUNCE_HARD || (SMTPCODE__TEMPORARY_REASONS >> d.reason) & 1u
		                  ? SMTPCODE_BOUNCE_UNKNOWN
		                  : decided_bounce(&d);
	else if (cls == 4 || car.log_status == SMTPCODE_LOG_DEFERRED)
		/* A log's deferral is kept and retried, whatever the reply's class
		 * (Postfix tries the next MX after a 554 greeting). */
		out->bounce = SMTPCODE_BOUNCE_SOFT;
	else
		out->bounce = decided_bounce(&d);
	/* A hard bounce of no known class counts as a 5xx here. Codes that are
	 * only ever about the sender say who was refused as a stage does: a
	 * reply to AUTH (530, 534, 535, 538: "535 ... your account is disabled"
	 * is the sender's login) and X.1.7 and X.1.8, a bad sender's address
	 * or its domain. */
	if (out->bounce == SMTPCODE_BOUNCE_HARD) {
		enum smtpcode_reason who = refused_party(out->stage, cls ? cls : 5, out->reply.code);
		unsigned code = out->reply.code;
		if (enh->cls && enh->subject == 1 && (enh->detail == 7 || enh->detail == 8))
			who = SMTPCODE_REASON_SENDER_REJECTED;
		if (code == 530 || login_refused(code)) /* 530: a login demanded */
			who = SMTPCODE_REASON_SMTP_AUTH;
		if (who != SMTPCODE_REASON_UNKNOWN) {
			d.reason = who;
			d.action = SMTPCODE__NO_ACTION;
			out->bounce = smtpcode_reason_bounce(d.reason);
		}
	}
	out->reason = d.reason;
	out->decided_by = d.signal;
	out->matched = d.matched;
	out->action = d.action == SMTPCODE__NO_ACTION ? smtpcode_reason_action(d.reason) : (enum smtpcode_action)d.action;
	if ((cls == 4 || out->bounce == SMTPCODE_BOUNCE_SOFT) &&
	    (out->action == SMTPCODE_ACTION_REMOVE_ADDRESS || out->action == SMTPCODE_ACTION_FIX_ADDRESS ||
	     out->action == SMTPCODE_ACTION_UPDATE_ADDRESS))
		out->action = SMTPCODE_ACTION_RETRY_LATER; /* never drop an address on a temporary failure */
	if (cls == 5 && out->bounce == SMTPCODE_BOUNCE_BLOCK && out->action == SMTPCODE_ACTION_RETRY_LATER)
		out->action = SMTPCODE_ACTION_INVESTIGATE; /* a final refusal is not retried as it is */
	if (cls == 2 || cls == 3)
		out->verdict = out->reply.code == 252 ? SMTPCODE_VERDICT_RISKY : SMTPCODE_VERDICT_DELIVERABLE;
	else
		out->verdict = smtpcode_verdict_for(out->bounce);
	/* No reply: nothing decided, or with no code and no DSN field only the
	 * sending side's own words that delivery is delayed ("Delivery to the
	 * following recipient has been delayed:"), which `out` still gives. */
	if (d.level == SMTPCODE_SIGNAL_NONE && !enh->cls && car.log_status == SMTPCODE_LOG_NONE)
		return SMTPCODE_ENOREPLY;
	/* Words in a question are a person's ("Is the spam one our IP?"): a
	 * mail system states, and may ask after ("Recipient not found. Did you
	 * type the address correctly?"). With no code, no status, no field. */
	if (!out->reply.code && !enh->cls && !car.dsn_class && car.log_status == SMTPCODE_LOG_NONE &&
	    (asked = question_at(buf, len)) != NULL && out->matched.ptr >= asked)
		return SMTPCODE_ENOREPLY;
	if (car.delayed && d.level == SMTPCODE_SIGNAL_GENERIC_PHRASE && d.reason == SMTPCODE_REASON_EXPIRED &&
	    !enh->cls && !out->reply.code && !car.dsn_class)
		return SMTPCODE_ENOREPLY;
	/* A log line (its date and time first, or its program's tag where they
	 * were cut off) with no code, no status and no recipient is a note of the
	 * mail system's ("Anonymous TLS connection established", "DKIM-Signature
	 * field added"), not the outcome of a delivery, whatever its words. */
	if (!car.dsn_class && car.log_status == SMTPCODE_LOG_NONE && !car.recipient.len && !car.rejected &&
	    (out->timestamp.len || smtpcode__syslog_tag(buf + prefix, buf + len))) {
		unsigned code = out->reply.code;
		if (!code && !enh->cls)
			return SMTPCODE_ENOREPLY;
		/* Nor, with no recipient and no status, is one attempt's reply
		 * that the delivery's own line repeats (Postfix's "host mx[...]
		 * said: 451 ..." before trying the next MX, "SASL authentication
		 * failed; server ... said: 535 ..."), a greeting or another
		 * step's success ("220 ... ready"), or a refused login (Exim's
		 * "authenticator failed for ...: 535 ..."). */
		if (car.kind == SMTPCODE_CARRIER_POSTFIX || cls == 2 || cls == 3 || login_refused(code))
			return SMTPCODE_ENOREPLY;
	}
	/* Postfix's warn_if_reject: the refusal it would have made, and did not. */
	if (car.warning_only)
		return SMTPCODE_ENOREPLY;
	/* (A refusal of the sender names the recipient too where the words
	 * after it are not about the sender: "<list@b>: Recipient address
	 * rejected: only members may post"; X.1.7 and X.1.8 are the sender's.) */
	if (!out->recipient.len && (cls == 4 || cls == 5) &&
	    !(enh->cls && enh->subject == 1 && (enh->detail == 7 || enh->detail == 8)) &&
	    out->stage != SMTPCODE_STAGE_MAIL && out->stage != SMTPCODE_STAGE_CONNECT && out->stage != SMTPCODE_STAGE_EHLO)
		out->recipient = addressed_to(&out->reply, buf + len);
	if (!out->recipient.len && (cls == 4 || cls == 5) && car.kind == SMTPCODE_CARRIER_NONE)
		out->recipient = row_recipient(buf, buf + len, &out->reply);
	/* The address inside the words that decided, where they speak of a
	 * mailbox: "550 User <bob@example.com> unknown". */
	if (!out->recipient.len && named.len && out->stage != SMTPCODE_STAGE_MAIL &&
	    (d.reason == SMTPCODE_REASON_USER_UNKNOWN || d.reason == SMTPCODE_REASON_MAILBOX_FULL ||
	     d.reason == SMTPCODE_REASON_MAILBOX_DISABLED || d.reason == SMTPCODE_REASON_MAILBOX_MOVED))
		out->recipient = named;
	/* The address a reply to MAIL FROM names is the sender's ("550 5.1.0
	 * <a@b>... Address rejected (in reply to MAIL FROM command)"), not a
	 * log line's own to=<...>. */
	if (out->stage == SMTPCODE_STAGE_MAIL && out->recipient.len && out->reply.raw.len &&
	    out->recipient.ptr >= out->reply.raw.ptr && out->recipient.ptr < out->reply.raw.ptr + out->reply.raw.len)
		out->recipient.ptr = NULL, out->recipient.len = 0;
	return 0;
}

/* Arrays of characters, not of pointers: no relocations, all in .rodata. */
static const char stage_names[SMTPCODE_STAGE_COUNT][12] = {
	"unknown", "connect", "ehlo", "mail", "rcpt", "data", "end-of-data",
};
static const char signal_names[SMTPCODE_SIGNAL_COUNT][17] = {
	"none", "basic", "generic-enhanced", "generic-phrase", "stage", "enhanced", "phrase", "vendor-code", "token",
	"report",
};
static const char carrier_names[SMTPCODE_CARRIER_COUNT][9] = {
	"none", "bare", "dsn", "postfix", "exim", "sendmail", "exchange",
};
static const char log_status_names[SMTPCODE_LOG_COUNT][9] = {
	"none", "sent", "deferred", "bounced", "expired",
};

const char *
smtpcode_stage_name(enum smtpcode_stage s)
{
	return (unsigned)s < SMTPCODE_STAGE_COUNT ? stage_names[s] : NULL;
}

const char *
smtpcode_signal_name(enum smtpcode_signal s)
{
	return (unsigned)s < SMTPCODE_SIGNAL_COUNT ? signal_names[s] : NULL;
}

const char *
smtpcode_carrier_name(enum smtpcode_carrier c)
{
	return (unsigned)c < SMTPCODE_CARRIER_COUNT ? carrier_names[c] : NULL;
}

const char *
smtpcode_log_status_name(enum smtpcode_log_status s)
{
	return (unsigned)s < SMTPCODE_LOG_COUNT ? log_status_names[s] : NULL;
}

/* Case-insensitive equality of s[0..len) and the lower-case word w. */
static int
word_eq(const char *s, size_t len, const char *w)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		if (w[i] == '\0' || c != (unsigned char)w[i])
			return 0;
	}
	return w[len] == '\0';
}

int
smtpcode_stage_from_name(const char *s, size_t len)
{
	static const struct {
		char name[12];
		enum smtpcode_stage stage;
	} aliases[] = {
		{"connect", SMTPCODE_STAGE_CONNECT},     {"greeting", SMTPCODE_STAGE_CONNECT},
		{"banner", SMTPCODE_STAGE_CONNECT},      {"ehlo", SMTPCODE_STAGE_EHLO},
		{"helo", SMTPCODE_STAGE_EHLO},           {"mail", SMTPCODE_STAGE_MAIL},
		{"mail-from", SMTPCODE_STAGE_MAIL},      {"rcpt", SMTPCODE_STAGE_RCPT},
		{"rcpt-to", SMTPCODE_STAGE_RCPT},        {"data", SMTPCODE_STAGE_DATA},
		{"end-of-data", SMTPCODE_STAGE_END_OF_DATA}, {"eod", SMTPCODE_STAGE_END_OF_DATA},
		{"dot", SMTPCODE_STAGE_END_OF_DATA},
	};
	size_t i;

	if (!s)
		return -1;
	for (i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (word_eq(s, len, aliases[i].name))
			return (int)aliases[i].stage;
	return -1;
}
