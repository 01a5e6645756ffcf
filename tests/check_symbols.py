"""Checks the built library: it imports no allocator, exports exactly the
functions the public header declares, and its tables need few relocations.

usage: check_symbols.py LIBRARY HEADER
"""

import os
import re
import subprocess
import sys
import unittest

import tap

LIBRARY, HEADER = sys.argv[1], sys.argv[2]
ALLOCATORS = {"malloc", "calloc", "realloc", "free", "strdup", "strndup", "aligned_alloc",
              "posix_memalign", "reallocarray", "memalign", "valloc"}


def nm(*flags):
    out = subprocess.run(["nm", "-D", *flags, LIBRARY], capture_output=True, text=True, check=True).stdout
    return [line.split()[-1].split("@")[0] for line in out.splitlines() if line.strip()]


class Symbols(unittest.TestCase):
    def test_imports_no_allocator(self):
        imported = set(nm("--undefined-only"))
        self.assertFalse(imported & ALLOCATORS, f"the library imports {sorted(imported & ALLOCATORS)}")

    def test_exports_match_header(self):
        if LIBRARY.endswith(".a"):
            self.skipTest("static library")
        exported = {s for s in nm("--defined-only") if not s.startswith("_")}
        header = open(HEADER, encoding="utf-8").read()
        declared = set(re.findall(r"\b(smtpcode_[a-z0-9_]+)\s*\(", header))
        self.assertEqual(exported, declared,
                         f"exported but not declared: {sorted(exported - declared)}; "
                         f"declared but not exported: {sorted(declared - exported)}")

    def test_tables_are_relocation_free(self):
        out = subprocess.run(["readelf", "-W", "-S", LIBRARY], capture_output=True, text=True, check=True).stdout
        sizes = {}
        for m in re.finditer(r"\]\s+(\.\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)", out):
            sizes[m.group(1)] = int(m.group(2), 16)
        rodata, relro = sizes.get(".rodata", 0), sizes.get(".data.rel.ro", 0)
        print(f"# .rodata {rodata} bytes, .data.rel.ro {relro} bytes")
        self.assertGreater(rodata, 20000, "the tables are not in .rodata")
        self.assertEqual(relro, 0, "tables hold pointers that need relocations")


if __name__ == "__main__":
    tap.main()
