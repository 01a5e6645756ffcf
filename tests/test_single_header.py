"""The single header as a project that vendors it sees it: copied alone into an
empty directory (no gperf, re2c, Python or meson involved), compiled with gcc
and clang as C99 and with g++ and clang++ as C++11, all warnings as errors;
the implementation in one unit and the API used from another; SMTPCODE_STATIC
in two units of one program. Also its shape: no #line, no project include,
the licence at the end, reproducible byte for byte.

usage: test_single_header.py SINGLE_H TESTS_SINGLE_DIR PUBLIC_H -- AMALGAMATE_PY INPUT...
"""

import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from concurrent.futures import ThreadPoolExecutor

import tap

SINGLE_H, CASES, PUBLIC_H = sys.argv[1], sys.argv[2], sys.argv[3]
AMALGAMATE = sys.argv[5:]
C_FLAGS = ["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-Wshadow", "-Wstrict-prototypes",
           "-Wmissing-prototypes", "-Wundef"]
CXX_FLAGS = ["-x", "c++", "-std=c++11", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-Wshadow", "-Wundef"]
# gcc's flow warnings need the optimiser; clang's do not, and it compiles faster without.
COMPILERS = {"gcc": C_FLAGS + ["-O1"], "clang": C_FLAGS, "g++": CXX_FLAGS + ["-O1"], "clang++": CXX_FLAGS}
EXPECTED = "Mailbox unavailable | Multiple authentication checks failed | user-unknown hard undeliverable | "

WORK = tempfile.mkdtemp(prefix="smtpcode-single-")
RESULTS = {}


def sh(*cmd):
    r = subprocess.run(cmd, cwd=WORK, capture_output=True, text=True, timeout=300)
    return r.returncode, r.stdout + r.stderr


def compile_one(key, compiler, flags, source, output):
    if not shutil.which(compiler):
        RESULTS[key] = (127, f"{compiler} is not installed (scripts/bootstrap installs it)")
        return
    RESULTS[key] = sh(compiler, *flags, "-c", source, "-o", output)


def setUpModule():
    """Copies the header and the test units into an empty directory and
    compiles every unit, two at a time."""
    shutil.copy(SINGLE_H, os.path.join(WORK, "smtpcode.h"))
    for name in ("impl.c", "use.c", "static_a.c", "static_b.c"):
        shutil.copy(os.path.join(CASES, name), WORK)
    jobs = []
    for cc, flags in COMPILERS.items():
        for unit in ("impl", "use"):
            jobs.append((f"{cc}:{unit}", cc, flags, f"{unit}.c", f"{cc}-{unit}.o"))
    for unit in ("static_a", "static_b"):
        jobs.append((f"gcc:{unit}", "gcc", COMPILERS["gcc"], f"{unit}.c", f"gcc-{unit}.o"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        for job in jobs:
            pool.submit(compile_one, *job)


def tearDownModule():
    shutil.rmtree(WORK, ignore_errors=True)


def global_symbols(path):
    out = subprocess.run(["nm", "-g", "--defined-only", path], capture_output=True, text=True, check=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.strip()}


def declared_functions():
    with open(PUBLIC_H, encoding="utf-8") as f:
        return set(re.findall(r"\b(smtpcode_[a-z0-9_]+)\s*\(", f.read()))


class Compilers(unittest.TestCase):
    def compiled(self, key):
        status, output = RESULTS[key]
        self.assertEqual(status, 0, f"{key}:\n{output}")

    def link_and_run(self, cc, objects, name):
        linker = "g++" if cc.endswith("++") else cc
        status, output = sh(linker, *objects, "-o", name)
        self.assertEqual(status, 0, output)
        r = subprocess.run([os.path.join(WORK, name)], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def check_compiler(self, cc):
        """Implementation in one unit, the API used from another."""
        self.compiled(f"{cc}:impl")
        self.compiled(f"{cc}:use")
        out = self.link_and_run(cc, [f"{cc}-impl.o", f"{cc}-use.o"], f"{cc}-use")
        self.assertTrue(out.startswith(EXPECTED), out)
        # Only the API leaves the implementation's unit, with C linkage in C++ too.
        self.assertEqual(global_symbols(os.path.join(WORK, f"{cc}-impl.o")), declared_functions())
        self.assertEqual(global_symbols(os.path.join(WORK, f"{cc}-use.o")), {"main"})

    def test_gcc_c99(self):
        self.check_compiler("gcc")

    def test_clang_c99(self):
        self.check_compiler("clang")

    def test_gxx_cxx11(self):
        self.check_compiler("g++")

    def test_clangxx_cxx11(self):
        self.check_compiler("clang++")

    def test_static_in_two_units(self):
        self.compiled("gcc:static_a")
        self.compiled("gcc:static_b")
        out = self.link_and_run("gcc", ["gcc-static_a.o", "gcc-static_b.o"], "static")
        self.assertEqual(out, "mailbox-full mailbox-full\n")
        for unit in ("static_a", "static_b"):
            exported = {s for s in global_symbols(os.path.join(WORK, f"gcc-{unit}.o")) if "smtpcode" in s}
            self.assertEqual(exported, set(), f"{unit}: SMTPCODE_STATIC left {sorted(exported)} global")


class NullInputs(unittest.TestCase):
    def test_null_and_zero_under_clang_sanitizers(self):
        """(NULL, 0) must not compute NULL + 0: clang's -fsanitize=undefined
        aborts on it, and so would a caller built that way."""
        if not shutil.which("clang"):
            self.fail("clang is not installed (scripts/bootstrap installs it)")
        shutil.copy(os.path.join(CASES, "null_inputs.c"), WORK)
        status, output = sh("clang", "-std=c99", "-g", "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
                            "null_inputs.c", "-o", "null_inputs")
        self.assertEqual(status, 0, output)
        r = subprocess.run([os.path.join(WORK, "null_inputs")], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


class Shape(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(SINGLE_H, encoding="utf-8") as f:
            cls.text = f.read()

    def test_self_contained(self):
        self.assertNotRegex(self.text, r"(?m)^\s*#\s*line\b")
        self.assertNotRegex(self.text, r'(?m)^\s*#\s*include\s*"')
        system = re.findall(r"(?m)^\s*#\s*include\s*<([^>]+)>", self.text)
        self.assertEqual(len(system), len(set(system)), "a system header is included twice")
        # emmintrin.h is the compiler's own, included only where it has SSE2.
        self.assertLessEqual(set(system), {"limits.h", "stddef.h", "stdint.h", "string.h", "emmintrin.h"})

    def test_layout(self):
        self.assertIn("DO NOT EDIT", self.text.split("\n", 5)[2] + self.text.split("\n", 5)[3])
        api = self.text.index("SMTPCODE_API const char *smtpcode_strerror(int error);")
        impl = self.text.index("#if defined(SMTPCODE_IMPLEMENTATION) && !defined(SMTPCODE_IMPLEMENTATION_DONE)")
        self.assertLess(api, impl)
        self.assertLess(impl, self.text.index("smtpcode_strerror(int error)\n{"))
        self.assertIn('extern "C" {', self.text[:impl])
        self.assertTrue(self.text.rstrip().endswith("*/"))
        self.assertIn("Permission is hereby granted", self.text[-1500:])
        self.assertNotIn(os.path.dirname(os.path.abspath(SINGLE_H)), self.text, "a build path leaked")

    def test_reproducible(self):
        """The order comes from the amalgamator's own list, not its arguments."""
        licence, inputs = AMALGAMATE[1], AMALGAMATE[2:]
        shuffled = [os.path.abspath(p) for p in inputs]
        random.Random(1).shuffle(shuffled)
        r = subprocess.run([sys.executable, AMALGAMATE[0], licence, *shuffled], capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        with open(SINGLE_H, "rb") as f:
            self.assertEqual(r.stdout, f.read())

    def test_every_function_in_the_differential_test(self):
        with open(os.path.join(CASES, "api.h"), encoding="utf-8") as f:
            listed = {"smtpcode_" + n for n in re.findall(r"X\([^,]+, (\w+),", f.read())}
        self.assertEqual(listed, declared_functions())


if __name__ == "__main__":
    tap.main()
