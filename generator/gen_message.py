"""Writes smtpcode_message_markers.h: the texts of data/messages.toml (where a
bounce's report ends, what introduces a recipient, what says a delivery is only
delayed, which subjects mark a bounce, an automatic reply or a complaint)
compiled into one Aho-Corasick automaton for the message reader
(src/message_text.c).

Unlike the classifier's, the automaton is not expanded into a full table: it
is the trie with its failure links, a few bytes a state, since the reader runs
it only over the lines of a report, never over whole messages. Only the
states near the root, where a line's bytes keep it most of the time, have
full rows. Following failure links is amortised linear, as for any
Aho-Corasick matcher. Bytes are classed as the classifier classes them
(gen_classifier.byte_classes): ASCII folded to lower case, and a run of white
space in the input is one space of a marker.

usage: gen_message.py DATADIR > smtpcode_message_markers.h
"""

import sys
from collections import deque

import cgen
import gen_classifier
import smtpcode_data

# States this close to the root get a full row of transitions.
DENSE_DEPTH = 3

# The kinds of data/messages.toml, as bits of smtpcode__msg_state_kinds[] (the
# order is SMTPCODE__MSG_* in src/message.h).
KINDS = ["end", "end-line", "recipient", "delay", "failure", "bounce", "auto-reply-subject", "complaint",
         "no-recipient", "daemon", "session", "alias", "delivered"]


def load(datadir):
    """The markers of data/messages.toml, validated: [(text, kind)]."""
    c = smtpcode_data._Checker(datadir)
    path, doc = c.load("messages.toml")
    out, seen = [], set()
    for i, e in enumerate(c.entries(path, doc, "marker")):
        entry = f"marker {i + 1} ({e.get('text', '?')!r})"
        c.unknown_keys(path, entry, e, ("text", "kind"))
        text = c.text(path, entry, e, "text", maxlen=200)
        kind = e.get("kind")
        if kind not in KINDS:
            c.problem(path, entry, f"'kind' must be one of {', '.join(KINDS)}")
            continue
        if text is None:
            continue
        if smtpcode_data.fold(text) != text:
            c.problem(path, entry, "'text' must be lower case with single spaces (it is matched folded)")
        if (text, kind) in seen:
            c.problem(path, entry, "the same text and kind twice")
        seen.add((text, kind))
        # A marker that starts with a letter beyond ASCII ("échec de la remise") also
        # matches with it in upper case, as at a line's start.
        out += [(variant, kind) for variant in smtpcode_data.dfa_variants(text)]
    if c.problems:
        sys.exit("\n".join(c.problems))
    return out


def build_trie(patterns, cls):
    """Aho-Corasick as a trie with failure links: goto[s] {class: state},
    fail[s], the class that leads into s, and the patterns that end at s
    (through its failure chain too); the root is 0."""
    goto, label, ends = [{}], [0], [[]]
    for pi, text in enumerate(patterns):
        s = 0
        for b in text:
            c = cls[b]
            if c not in goto[s]:
                goto.append({})
                label.append(c)
                ends.append([])
                goto[s][c] = len(goto) - 1
            s = goto[s][c]
        ends[s].append(pi)
    fail = [0] * len(goto)
    queue = deque(goto[0].values())
    while queue:
        s = queue.popleft()
        ends[s] = ends[s] + ends[fail[s]]
        for c, t in sorted(goto[s].items()):
            f = fail[s]
            while f and c not in goto[f]:
                f = fail[f]
            fail[t] = goto[f][c] if c in goto[f] and goto[f][c] != t else 0
            queue.append(t)
    return goto, fail, label, ends


def renumbered(goto, fail, label, ends):
    """The trie with its states numbered breadth first, so that the states
    near the root are the first ones."""
    order, queue = [], deque([0])
    while queue:
        st = queue.popleft()
        order.append(st)
        queue.extend(t for _, t in sorted(goto[st].items()))
    new = {old: i for i, old in enumerate(order)}
    return ([{c: new[t] for c, t in goto[old].items()} for old in order], [new[fail[old]] for old in order],
            [label[old] for old in order], [ends[old] for old in order])


def main():
    markers = load(sys.argv[1])
    texts = [text.encode("utf-8") for text, _ in markers]
    # gen_classifier's byte classes: 0 for bytes no marker uses, 1 for white
    # space, upper-case ASCII as lower case; every other byte its own class,
    # non-ASCII too: no check follows a match here, so "ご連絡" must not
    # match any three characters of three bytes.
    cls, nclasses = gen_classifier.byte_classes([(t,) for t in texts], exact=True)
    goto, fail, label, ends = renumbered(*build_trie(texts, cls))
    n = len(goto)
    assert n < 1 << 16 and nclasses < 256 and len(KINDS) <= 16, "too many states, classes or kinds"
    kinds, end_line, edge_start, edge_class, edge_next = [], [], [], [], []
    for s in range(n):
        bits = longest = 0
        for pi in ends[s]:
            bits |= 1 << KINDS.index(markers[pi][1])
            if markers[pi][1] == "end-line":
                longest = max(longest, len(texts[pi]))
        assert longest < 256
        kinds.append(bits)
        end_line.append(longest)
        edge_start.append(len(edge_class))
        for c, t in sorted(goto[s].items()):
            edge_class.append(c)
            edge_next.append(t)
    edge_start.append(len(edge_class))
    assert len(edge_class) < 1 << 16
    # The shallow states' transitions in full, failure links followed: a
    # line's bytes keep the automaton near the root, and there a search of
    # edges and failure links would be the hot loop. Deeper states search
    # their few edges, then fall back to a shallow state's row.
    depth = [0] * n
    for st in range(n):
        for t in goto[st].values():
            depth[t] = depth[st] + 1
    dense = sum(1 for d in depth if d <= DENSE_DEPTH)  # a prefix: states are numbered breadth first
    assert all(d <= DENSE_DEPTH for d in depth[:dense])

    def delta(st, c):
        if c == 1 and label[st] == 1:
            return st  # a run of white space stays where its first byte led
        while c not in goto[st] and st != 0:
            st = fail[st]
        return goto[st].get(c, 0)

    rows = [delta(st, c) for st in range(dense) for c in range(nclasses)]
    out = [
        cgen.banner(__file__, ["data/messages.toml"]),
        "/* Included once, by src/message_text.c. */",
        "",
        f"#define SMTPCODE__MSG_STATES {n}",
        f"#define SMTPCODE__MSG_CLASSES {nclasses}",
        f"#define SMTPCODE__MSG_DENSE {dense} /* states 0 .. DENSE - 1 have a full row */",
        "",
        "/* byte -> class: 0 bytes no marker uses, 1 white space, upper case as lower case */",
        cgen.c_array("uint8_t", "smtpcode__msg_class", cls, 16, ","), "",
        "/* The trie: the edges of state s are [edge_start[s], edge_start[s + 1]), by class. */",
        cgen.c_array("uint16_t", "smtpcode__msg_edge_start", edge_start, 16, ","), "",
        cgen.c_array("uint8_t", "smtpcode__msg_edge_class", edge_class, 24, ","), "",
        cgen.c_array("uint16_t", "smtpcode__msg_edge_next", edge_next, 16, ","), "",
        "/* state * CLASSES + class -> the next state, for the states with a full row */",
        cgen.c_array("uint16_t", "smtpcode__msg_dense", rows, 16, ","), "",
        "/* state -> the longest proper suffix of its text that is a state */",
        cgen.c_array("uint16_t", "smtpcode__msg_fail", fail, 16, ","), "",
        "/* state -> the class of the byte that leads into it (1: white space, whose runs it absorbs) */",
        cgen.c_array("uint8_t", "smtpcode__msg_label", label, 32, ","), "",
        "/* state -> the kinds of the markers that end there, one bit each (SMTPCODE__MSG_*) */",
        cgen.c_array("uint16_t", "smtpcode__msg_state_kinds", kinds, 24, ","), "",
        "/* state -> the length of the longest \"end-line\" marker that ends there, or 0 */",
        cgen.c_array("uint8_t", "smtpcode__msg_end_line", end_line, 32, ","), "",
        "",
    ]
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
