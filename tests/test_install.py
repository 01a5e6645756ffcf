"""`meson install` into a DESTDIR, then use what it installed the way a user
would: the program from README.md's "Use it from C" section built through
pkg-config against the shared library, linked with the static library, and
compiled from the installed single header alone; the soname, the headers,
the manual pages and the CLI.

usage: test_install.py MESON BUILD_ROOT SOURCE_ROOT
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import tap

MESON, BUILD, SOURCE = sys.argv[1:4]
DEST = tempfile.mkdtemp(prefix="smtpcode-install-")
PREFIX = {}
REPLY = "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred"


def setUpModule():
    r = subprocess.run([MESON, "install", "-C", BUILD, "--destdir", DEST, "--no-rebuild", "--quiet"],
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        raise RuntimeError(f"meson install failed:\n{r.stdout}\n{r.stderr}")
    pcs = glob.glob(os.path.join(DEST, "**", "pkgconfig", "smtpcode.pc"), recursive=True)
    if len(pcs) != 1:
        raise RuntimeError(f"expected one smtpcode.pc under {DEST}, found {pcs}")
    PREFIX["pc"] = pcs[0]
    PREFIX["libdir"] = os.path.dirname(os.path.dirname(pcs[0]))
    PREFIX["root"] = os.path.join(DEST, re.search(r"^prefix=/?(.*)$", open(pcs[0]).read(), re.M).group(1))


def tearDownModule():
    shutil.rmtree(DEST, ignore_errors=True)


def readme_program():
    """The first C block of README.md's "Use it from C" section."""
    with open(os.path.join(SOURCE, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    section = readme[readme.index("## Use it from C"):]
    return re.search(r"```c\n(.*?)```", section, re.S).group(1)


def run(*cmd, env=None, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env, **kw)


class Installed(unittest.TestCase):
    def installed(self, *parts):
        path = os.path.join(PREFIX["root"], *parts)
        self.assertTrue(os.path.exists(path), f"{path} was not installed")
        return path

    def test_files(self):
        self.installed("bin", "smtpcode")
        self.installed("include", "smtpcode.h")
        self.installed("include", "smtpcode_enums.h")
        self.installed("share", "smtpcode", "smtpcode.h")
        for page in ("man1/smtpcode.1", "man3/smtpcode.3", "man7/smtp-codes.7"):
            self.installed("share", "man", *page.split("/"))
        for output in ("query", "explain", "scan", "stats", "stats-by", "list", "search"):
            self.installed("share", "smtpcode", "schema", f"smtpcode-{output}.schema.json")
        libdir = PREFIX["libdir"]
        for name in ("libsmtpcode.so", "libsmtpcode.so.0", "libsmtpcode.a"):
            self.assertTrue(os.path.exists(os.path.join(libdir, name)), f"{name} not in {libdir}")

    def test_soname_and_exports(self):
        lib = os.path.realpath(os.path.join(PREFIX["libdir"], "libsmtpcode.so"))
        dyn = run("readelf", "-d", lib).stdout
        self.assertIn("Library soname: [libsmtpcode.so.0]", dyn)
        exported = {line.split()[-1] for line in run("nm", "-D", "--defined-only", lib).stdout.splitlines()
                    if line.strip()}
        self.assertTrue(exported)
        self.assertEqual({s for s in exported if not s.startswith("smtpcode_")}, set())

    def test_pkg_config(self):
        env = self.pc_env()
        r = run("pkg-config", "--modversion", "smtpcode", env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(SOURCE, "meson.build"), encoding="utf-8") as f:
            self.assertIn(f"version: '{r.stdout.strip()}'", f.read())
        flags = run("pkg-config", "--cflags", "--libs", "smtpcode", env=env).stdout.split()
        self.assertIn("-lsmtpcode", flags)
        self.assertTrue(any(f.startswith("-I" + DEST) for f in flags), flags)

    def pc_env(self):
        return dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(PREFIX["pc"]), PKG_CONFIG_SYSROOT_DIR=DEST)

    def build(self, name, flags, env=None):
        work = tempfile.mkdtemp(dir=DEST)
        src = os.path.join(work, "bounce.c")
        with open(src, "w", encoding="utf-8") as f:
            f.write(readme_program())
        exe = os.path.join(work, name)
        r = run("cc", "-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-o", exe, src, *flags, cwd=work)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run(exe, REPLY, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "reputation: soft bounce, retry (token [TSS04], yahoo)\n")
        return exe

    def test_readme_program_with_pkg_config_shared(self):
        flags = run("pkg-config", "--cflags", "--libs", "smtpcode", env=self.pc_env()).stdout.split()
        exe = self.build("bounce-shared", flags, env=dict(os.environ, LD_LIBRARY_PATH=PREFIX["libdir"]))
        self.assertIn("libsmtpcode.so.0", run("readelf", "-d", exe).stdout)

    def test_readme_program_with_static_library(self):
        cflags = run("pkg-config", "--cflags", "smtpcode", env=self.pc_env()).stdout.split()
        exe = self.build("bounce-static", cflags + [os.path.join(PREFIX["libdir"], "libsmtpcode.a")])
        self.assertNotIn("libsmtpcode", run("readelf", "-d", exe).stdout)

    def test_readme_program_with_the_single_header(self):
        work = tempfile.mkdtemp(dir=DEST)
        shutil.copy(self.installed("share", "smtpcode", "smtpcode.h"), work)
        exe = self.build("bounce-single", ["-DSMTPCODE_IMPLEMENTATION", "-I" + work])
        self.assertNotIn("libsmtpcode", run("readelf", "-d", exe).stdout)

    def test_installed_cli_and_man(self):
        env = dict(os.environ, LD_LIBRARY_PATH=PREFIX["libdir"], NO_COLOR="1")
        r = run(self.installed("bin", "smtpcode"), "550", env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("550  Mailbox unavailable"), r.stdout)
        r = run("mandoc", "-T", "lint", "-W", "warning", self.installed("share", "man", "man3", "smtpcode.3"))
        self.assertEqual((r.returncode, r.stdout + r.stderr), (0, ""))


if __name__ == "__main__":
    tap.main()
