"""Writes smtpcode_classifier.h: every phrase, vendor token and vendor
fingerprint in data/ compiled into one table-driven DFA (Aho-Corasick, fully
expanded), plus the pattern table the classifier reads.

The DFA reads one byte class per input byte and never backtracks. Upper-case
ASCII folds to lower case, and all whitespace is one class whose transition
from a state reached by whitespace loops back to that state, so a run of
spaces, tabs and line breaks in the input matches one space in a phrase.

The table is column-major uint16: next = dfa[column[byte] + state], where
column[byte] is where the column of the byte's class starts. The address of a
column does not depend on the state, so a step waits on one load only, and
the states most bytes visit share cache lines. States with an output are
numbered from a power of two up, so the scan can OR the states of several
bytes together and test one bit for all of them.

The carrier markers ("diagnostic-code:", " said:", ...) are compiled into
the same DFA, so the classifier reads the input once; their list is the
SMTPCODE__MARKERS table in src/carrier.h.

Bytes of UTF-8 text outside ASCII (phrases in other languages) are two
classes only, a lead byte and a continuation byte, so that they do not
multiply the table's columns: the automaton matches such a phrase's shape,
and the classifier checks the bytes of a candidate against its text
(smtpcode__verify_pool). A state whose best reason pattern needs that check
lists its candidates, best first, down to the first that does not.

usage: gen_classifier.py DATADIR CARRIER_H > smtpcode_classifier.h
"""

import sys
from collections import deque

import cgen
import smtpcode_data

# In the order the classifier prefers them (src/classify.c): a token beats a
# phrase that names a cause, which beats a generic phrase.
KIND_FINGERPRINT, KIND_GENERIC, KIND_PHRASE, KIND_TOKEN, KIND_MARKER = 0, 1, 2, 3, 4
WHITESPACE = b" \t\n\v\f\r"
NO_ACTION = 255  # also "no bounce": the reason's own
CANDIDATES = 0x8000  # a state's reason output is a list of candidates to check
# How strongly a pattern names its vendor (src/classify.c, evidence()).
EVIDENCE_SOFTWARE, EVIDENCE_OWN, EVIDENCE_HOST = 1, 2, 3


def evidence(p):
    return p[5] if p[1] == KIND_FINGERPRINT else EVIDENCE_OWN


def markers_from(carrier_h):
    """The SMTPCODE__MARKERS table: [(name, text)], in enum order from 1."""
    markers = cgen.x_macro(carrier_h, "SMTPCODE__MARKERS", r'X\((\w+), "((?:[^"\\]|\\.)*)"\)')
    return [(name, text.replace('\\"', '"')) for name, text in markers]


def patterns_from(data, markers):
    """(bytes, kind, reason, action, vendor, priority, label, bounce, class,
    unanswered, after_domain, temporary) for every pattern; for a marker, `reason` holds
    the marker's number; class is 4 for wording that says the failure is
    temporary, or that names a condition that is only ever temporary (a
    greylisting), else 0; unanswered is 1 for wording that says no server
    answered; after_domain is the reason when a domain name comes right
    before the match, or 0; temporary is 1 for wording that itself says the
    failure is temporary ("try again later"), not only its reason."""
    vendor_index = {v["id"]: i + 1 for i, v in enumerate(data.vendors)}
    temporary_only = {r["name"] for r in data.taxonomy["reason"] if r.get("temporary_only")}
    out = []
    for p in data.phrases:
      for text in smtpcode_data.dfa_variants(p["text"]):
        out.append((text.encode("utf-8"),
                    KIND_TOKEN if p["kind"] == "token" else KIND_GENERIC if p["generic"] else KIND_PHRASE,
                    data.index("reason", p["reason"]),
                    data.index("action", p["action"]) if "action" in p else NO_ACTION,
                    vendor_index.get(p.get("vendor"), 0), p["priority"], text,
                    data.index("bounce", p["bounce"]) if "bounce" in p else NO_ACTION,
                    4 if p["temporary"] or p["reason"] in temporary_only else 0, 1 if p["unanswered"] else 0,
                    data.index("reason", p["after_domain"]) if "after_domain" in p else 0,
                    1 if p["temporary"] else 0))
    # A fingerprint's priority is its weight as evidence of the vendor: a host
    # name under one of its domains, then its own wording or token, then the
    # wording of server software that many vendors run.
    for v in data.vendors:
        for host in v.get("hosts", []):
            out.append((("." + host).encode("utf-8"), KIND_FINGERPRINT, 0, NO_ACTION, vendor_index[v["id"]],
                        EVIDENCE_HOST, f"{v['id']}: host {host}", NO_ACTION, 0, 0, 0, 0))
        for fp in v["fingerprints"]:
            text = smtpcode_data.fold(fp)
            out.append((text.encode("utf-8"), KIND_FINGERPRINT, 0, NO_ACTION, vendor_index[v["id"]],
                        EVIDENCE_SOFTWARE if v.get("software") else EVIDENCE_OWN, f"{v['id']}: {fp}", NO_ACTION, 0, 0, 0, 0))
    for i, (name, text) in enumerate(markers):
        assert text == text.lower() and "  " not in text, f"marker {name} must be folded"
        out.append((text.encode("utf-8"), KIND_MARKER, i + 1, NO_ACTION, 0, 0, f"marker {name}", NO_ACTION, 0, 0, 0, 0))
    for p in out:
        assert len(p[0]) <= 255 and 0 <= p[5] <= 255, p[6]
    return out


def verified(pattern):
    """Does a match of this pattern need its bytes checked (non-ASCII text)?"""
    return any(b >= 0x80 for b in pattern[0])


def byte_classes(patterns, exact=False):
    """Byte -> class. Class 0: bytes no pattern uses; class 1: whitespace;
    then each ASCII byte patterns use; then, if patterns use bytes beyond
    ASCII, one class for the UTF-8 lead bytes and one for the continuation
    bytes among them (the classifier checks such a match's bytes), or with
    `exact` one class for each of those bytes too."""
    used = {b for p in patterns for b in p[0]} - set(WHITESPACE)
    ascii_used = sorted(b for b in used if b < 0x80)
    cls = [0] * 256
    for b in WHITESPACE:
        cls[b] = 1
    for i, b in enumerate(ascii_used):
        cls[b] = i + 2
        if ord("a") <= b <= ord("z"):
            cls[b - 32] = i + 2  # upper case folds to lower case
    n = len(ascii_used) + 2
    high = sorted(b for b in used if b >= 0x80)
    if high and exact:
        for b in high:
            cls[b] = n
            n += 1
    elif high:
        for b in high:
            cls[b] = n if b >= 0xc0 else n + 1
        n += 2
    return cls, n


def build_dfa(patterns, cls, nclasses):
    goto = [{}]
    label = [None]
    outputs = [[]]
    for pi, p in enumerate(patterns):
        s = 0
        for b in p[0]:
            c = cls[b]
            if c not in goto[s]:
                goto.append({})
                label.append(c)
                outputs.append([])
                goto[s][c] = len(goto) - 1
            s = goto[s][c]
        outputs[s].append(pi)
    n = len(goto)
    fail = [0] * n
    delta = [[0] * nclasses for _ in range(n)]
    order = []
    queue = deque()
    for c in range(nclasses):
        t = goto[0].get(c)
        if t is not None:
            delta[0][c] = t
            queue.append(t)
    while queue:
        s = queue.popleft()
        order.append(s)
        outputs[s] = outputs[s] + outputs[fail[s]]
        for c in range(nclasses):
            t = goto[s].get(c)
            if t is not None:
                fail[t] = delta[fail[s]][c]
                delta[s][c] = t
                queue.append(t)
            else:
                delta[s][c] = delta[fail[s]][c]
    for s in range(n):
        if label[s] == 1:
            delta[s][1] = s  # a whitespace run is one space
    return delta, outputs, [0] + order


def best(candidates, patterns, key):
    return max(candidates, key=lambda pi: key(patterns[pi]) + (-pi,), default=None)


def main():
    data = smtpcode_data.load_or_exit(sys.argv[1])
    patterns = patterns_from(data, markers_from(sys.argv[2]))
    cls, nclasses = byte_classes(patterns)
    delta, outputs, bfs = build_dfa(patterns, cls, nclasses)

    # For each state, the best reason pattern (token > phrase > generic
    # phrase, then priority, then length) and the best vendor evidence (the
    # longest). Where the best needs its bytes checked, the candidates, best
    # first, down to the first that needs no check: CANDIDATES | where their
    # count and pattern numbers start in smtpcode__dfa_candidates.
    reason_out, vendor_out, marker_out = [], [], []
    candidates = [0]
    for outs in outputs:
        rank = lambda pi: (patterns[pi][1], patterns[pi][5], len(patterns[pi][0]), -pi)
        rs = sorted((pi for pi in outs if patterns[pi][1] in (KIND_GENERIC, KIND_PHRASE, KIND_TOKEN)), key=rank,
                    reverse=True)
        r = rs[0] if rs else None
        # Of the vendor evidence ending here, the longest: it contains the
        # others ("olc.protection.outlook.com" holds ".protection.outlook.com").
        v = best([pi for pi in outs if patterns[pi][4]], patterns, lambda p: (len(p[0]), evidence(p)))
        m = best([pi for pi in outs if patterns[pi][1] == KIND_MARKER], patterns, lambda p: (len(p[0]),))
        if r is not None and verified(patterns[r]):
            cut = next((i + 1 for i, pi in enumerate(rs) if not verified(patterns[pi])), len(rs))
            reason_out.append(CANDIDATES | len(candidates))
            candidates += [cut] + rs[:cut]
        else:
            reason_out.append(0 if r is None else r + 1)
        vendor_out.append(0 if v is None else v + 1)
        marker_out.append(0 if m is None else patterns[m][2])

    # Column-major uint16: the column of a byte class holds the next state of
    # every state, so the states that most bytes visit (ordered as below, the
    # start state first) share cache lines in every column. States with an
    # output are numbered from a power of two, FLAG, up, and the others just
    # below it, so the scan ORs states together and tests one bit; the numbers
    # below FLAG - len(plain) are padding once, before the first column.
    n = len(delta)
    # Within each group, the states the samples in data/ visit most come first
    # (then breadth-first order), so that the lookups real replies make fall
    # in as few cache lines as can be.
    visits = [0] * n
    for sample in data.samples:
        state = 0
        for b in sample["text"].encode("utf-8"):
            state = delta[state][cls[b]]
            visits[state] += 1
    visits[0] = max(visits) + 1
    rank = {s: (-visits[s], i) for i, s in enumerate(bfs)}
    plain = sorted((s for s in bfs if not (reason_out[s] or vendor_out[s] or marker_out[s])), key=rank.get)
    with_out = sorted((s for s in bfs if reason_out[s] or vendor_out[s] or marker_out[s]), key=rank.get)
    assert plain[0] == 0 and with_out
    # FLAG is the one bit that tells a state with an output: every plain
    # state is below it and every state with an output below 2 * FLAG, so
    # FLAG's bit is set exactly in the states with an output.
    flag = 1 << max(max(len(plain), len(with_out)) - 1, 1).bit_length()
    assert 2 * flag <= 1 << 16, "too many DFA states for uint16"
    number = {s: flag - len(plain) + i for i, s in enumerate(plain)}
    number.update({s: flag + j for j, s in enumerate(with_out)})
    order = plain + with_out
    height = len(order)
    table = [0] * (flag - len(plain))
    for c in range(nclasses):
        table += [number[delta[s][c]] for s in order]
    column = [c * height for c in cls]
    assert len(table) < 2**32 and max(reason_out + vendor_out) < 2**16 and max(marker_out) < 2**16
    assert len(patterns) < CANDIDATES and len(candidates) < CANDIDATES

    # The text of each pattern whose matches are checked, in one pool.
    pool, text_at = [0], []
    for p in patterns:
        if verified(p):
            text_at.append(len(pool))
            pool += list(p[0])
        else:
            text_at.append(0)
    assert len(pool) < 2**16

    # The rules of data/taxonomy.toml and data/basic.toml the classifier
    # applies beside the patterns: reasons that a 5xx contradicts, and basic
    # codes with one meaning whatever their text.
    temporary = [i for i, r in enumerate(data.taxonomy["reason"]) if r.get("temporary_only")]
    assert len(data.taxonomy["reason"]) <= 64, "SMTPCODE__TEMPORARY_REASONS holds 64 reasons"
    specific, guess = [0] * 50, [0] * 50
    for e in data.basic:
        if e.get("specific"):
            specific[(e["code"] - 200) // 8] |= 1 << (e["code"] - 200) % 8
        if e.get("guess"):
            guess[(e["code"] - 200) // 8] |= 1 << (e["code"] - 200) % 8

    out = [
        cgen.banner(__file__, ["data/phrases.toml", "data/vendors.toml", "data/taxonomy.toml", "data/basic.toml"]),
        "/* Included once, by src/classify.c. */",
        "",
        "/* bit r: reason r is temporary only (a 5xx contradicts it) */",
        "#define SMTPCODE__TEMPORARY_REASONS ((uint64_t)0x%xu)" % sum(1 << i for i in temporary),
        "/* bit (code - 200): a basic code that decides as a specific code does */",
        cgen.c_array("uint8_t", "smtpcode__specific_basic", specific, 16),
        "/* bit (code - 200): a basic code whose reason is only the likeliest cause */",
        cgen.c_array("uint8_t", "smtpcode__guess_basic", guess, 16),
        "",
        f"#define SMTPCODE__PATTERN_COUNT {len(patterns)}",
        f"#define SMTPCODE__DFA_CLASSES {nclasses}",
        f"#define SMTPCODE__DFA_STATES {n}",
        f"#define SMTPCODE__DFA_START {number[0]} /* the start state */",
        f"#define SMTPCODE__DFA_OUTPUT {flag} /* states from here on have an output */",
        f"#define SMTPCODE__DFA_OUTPUT_SHIFT {16 - flag.bit_length()} /* moves that bit to bit 15 */",
        f"#define SMTPCODE__NO_ACTION {NO_ACTION}",
        f"#define SMTPCODE__CANDIDATES {CANDIDATES}",
        "",
        "/* kind, reason, action, vendor, priority, length, bounce, class, unanswered, after_domain, temporary */",
        "static const struct smtpcode__pattern smtpcode__patterns[SMTPCODE__PATTERN_COUNT] = {",
    ]
    for p in patterns:
        label = p[6].replace("*/", "* /").replace("\\", "\\\\")
        label = "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in label)
        out.append("\t{%d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d}, /* %s */" % (p[1], p[2], p[3], p[4], p[5], len(p[0]),
                                                                                p[7], p[8], p[9], p[10], p[11], label))
    out += ["};", "",
            "/* byte -> where its class's column starts in smtpcode__dfa */",
            cgen.c_array("uint32_t", "smtpcode__byte_column", column, 16, ","), "",
            "/* next state = smtpcode__dfa[smtpcode__byte_column[byte] + state] */",
            cgen.c_array("uint16_t", "smtpcode__dfa", table, 24, ","), "",
            "/* state - SMTPCODE__DFA_OUTPUT -> best reason pattern + 1, or 0, or",
            " * SMTPCODE__CANDIDATES | where its candidates are in smtpcode__dfa_candidates */",
            cgen.c_array("uint16_t", "smtpcode__dfa_reason", [reason_out[s] for s in with_out], 24, ","),
            "/* at each place: a count n, then n patterns, best first; only the last may need no check */",
            cgen.c_array("uint16_t", "smtpcode__dfa_candidates", candidates, 24, ","),
            "/* pattern -> where its text is in smtpcode__verify_pool (0: its matches need no check) */",
            cgen.c_array("uint16_t", "smtpcode__pattern_text", text_at, 24, ","),
            cgen.c_array("unsigned char", "smtpcode__verify_pool", pool, 24, ","),
            "/* state - SMTPCODE__DFA_OUTPUT -> vendor pattern + 1 | enum smtpcode__marker << 16 */",
            cgen.c_array("uint32_t", "smtpcode__dfa_vendor", [vendor_out[s] | marker_out[s] << 16
                                                             for s in with_out], 16, ","), "",
            ""]
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
