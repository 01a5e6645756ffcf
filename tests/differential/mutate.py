"""Lines for the differential check, made from data/ and a seed alone, so a
run can be repeated byte for byte: every sample dressed in its carriers
(tests/fuzz/fuzz_corpus.py), then as many mutated lines as asked for. A
mutation flips, inserts, deletes, repeats or swaps the case of bytes, splices
two lines, drops in a phrase, token or carrier marker, changes digits, or
widens whitespace; each line gets one to four. Lines hold any byte but LF,
never end in CR (a line reader takes that for CRLF) and stay under 4 KiB (the
CLI's limit is 64 KiB)."""

import random

from fuzz_corpus import dictionary_words, seeds

MAX_LEN = 4096
NOT_LF = [b for b in range(256) if b != 10]
NASTY = [b"\0", b"\r", b"\t", b"\x7f", b"\x80", b"\xc0\xaf", b"\xed\xa0\x80", b"\xff", b"<", b'"', b"\\",
         b"\xe2\x80\x8b", b"\xf0\x9f\x93\xa7"]


def clean(line):
    line = line.replace(b"\n", b" ")[:MAX_LEN]
    while line.endswith(b"\r"):
        line = line[:-1]
    return line


def base_lines(data):
    return [clean(s.encode("utf-8")) for s in seeds(data)]


def mutate(rng, line, pool, words):
    def span():
        if not line:
            return 0, 0
        a = rng.randrange(len(line))
        return a, min(len(line), a + rng.randint(1, 24))

    kind = rng.randrange(10)
    if kind == 0 and line:                   # flip a byte
        i = rng.randrange(len(line))
        return line[:i] + bytes([rng.choice(NOT_LF)]) + line[i + 1:]
    if kind == 1:                            # insert bytes that parsers trip on
        i = rng.randint(0, len(line))
        return line[:i] + b"".join(rng.choice(NASTY) for _ in range(rng.randint(1, 4))) + line[i:]
    if kind == 2:                            # delete a run
        a, b = span()
        return line[:a] + line[b:]
    if kind == 3:                            # repeat a run
        a, b = span()
        return line[:b] + line[a:b] * rng.randint(1, 8) + line[b:]
    if kind == 4:                            # splice with another line
        other = rng.choice(pool)
        return line[:rng.randint(0, len(line))] + other[rng.randint(0, len(other)):]
    if kind == 5:                            # swap the case of a run
        a, b = span()
        return line[:a] + line[a:b].swapcase() + line[b:]
    if kind == 6:                            # drop in a phrase, token or marker
        i = rng.randint(0, len(line))
        return line[:i] + rng.choice(words) + line[i:]
    if kind == 7:                            # change or add digits (codes)
        digits = [i for i, c in enumerate(line) if 48 <= c <= 57]
        if digits:
            i = rng.choice(digits)
            return line[:i] + str(rng.randrange(10 ** rng.randint(1, 11))).encode() + line[i + 1:]
        return b"550 " + line
    if kind == 8:                            # widen whitespace
        spaces = [i for i, c in enumerate(line) if c == 32]
        if spaces:
            i = rng.choice(spaces)
            return line[:i] + rng.choice([b"  ", b"\t", b" \t ", b"\r \r", b" " * 100]) + line[i + 1:]
        return line
    return line[:rng.randint(0, len(line))]  # cut short


def mutated_lines(data, count, seed):
    rng = random.Random(seed)
    pool = base_lines(data)
    words = [w.encode("utf-8") for w in dictionary_words(data)]
    out = []
    for _ in range(count):
        line = rng.choice(pool)
        for _ in range(rng.randint(1, 4)):
            line = mutate(rng, line, pool, words)
        out.append(clean(line))
    return out


def joined_lines(data, count, seed):
    """Long lines of 2 to 8 samples, joined by a space, one of them often cut
    at the front: phrases and markers land at every offset of a long line,
    where the classifier's streams meet."""
    rng = random.Random(seed)
    pool = base_lines(data)
    out = []
    for _ in range(count):
        parts = [rng.choice(pool) for _ in range(rng.randint(2, 8))]
        i = rng.randrange(len(parts))
        parts[i] = parts[i][rng.randint(0, len(parts[i])):]
        out.append(clean(b" ".join(parts)))
    return out
