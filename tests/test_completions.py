"""The shell completions generated from src/cli/commands.toml: each names
every command and option, bash -n (and zsh -n, fish -n where those shells
are installed) accepts it, the bash one completes commands, options, option
values and list kinds when run, and meson install puts each where its shell
looks.

usage: test_completions.py BASH ZSH FISH COMMANDS_TOML BUILD_ROOT
"""

import json
import os
import shutil
import subprocess
import sys
import tomllib
import unittest

import tap

BASH, ZSH, FISH, COMMANDS, BUILD_ROOT = sys.argv[1:6]
with open(COMMANDS, "rb") as f:
    SPEC = tomllib.load(f)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


class EveryCommandAndOption(unittest.TestCase):
    def test_each_shell(self):
        for path in (BASH, ZSH, FISH):
            with self.subTest(shell=os.path.basename(path)):
                text = read(path)
                self.assertIn("DO NOT EDIT", text)
                for c in SPEC["command"]:
                    self.assertIn(c["name"], text)
                for o in SPEC["option"]:
                    for flag in o["flags"]:
                        if path == FISH:  # fish writes -l name / -s x
                            want = f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}"
                        else:
                            want = flag
                        self.assertIn(want, text, flag)
                for value in ("jsonl", "tsv", "csv", "end-of-data", "always", "verdicts"):
                    self.assertIn(value, text)


class Syntax(unittest.TestCase):
    def check(self, shell, path):
        if not shutil.which(shell):
            self.skipTest(f"{shell} is not installed")
        r = subprocess.run([shell, "-n", path], capture_output=True, text=True)
        self.assertEqual((r.returncode, r.stderr), (0, ""))

    def test_bash(self):
        self.check("bash", BASH)

    def test_zsh(self):
        self.check("zsh", ZSH)

    def test_fish(self):
        self.check("fish", FISH)


def complete(*words):
    """What the bash completion offers for the words, the last being completed."""
    array = " ".join("'" + w.replace("'", "'\\''") + "'" for w in ("smtpcode",) + words)
    script = f'source "$1"; COMP_WORDS=({array}); COMP_CWORD={len(words)}; _smtpcode; printf "%s\\n" "${{COMPREPLY[@]}}"'
    r = subprocess.run(["bash", "-c", script, "bash", BASH], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    return [w for w in r.stdout.split("\n") if w]


class BashCompletes(unittest.TestCase):
    def test_commands(self):
        self.assertEqual(complete(""), [c["name"] for c in SPEC["command"]])
        self.assertEqual(complete("st"), ["stats"])

    def test_options(self):
        self.assertEqual(complete("--fo"), ["--format"])
        self.assertIn("--color=", complete("--co"))

    def test_values(self):
        self.assertEqual(complete("scan", "--format", "t"), ["text", "tsv"])
        self.assertEqual(complete("--stage", "e"), ["ehlo", "end-of-data"])
        self.assertEqual(complete("--color", "=", "a"), ["auto", "always"])
        self.assertEqual(complete("list", "--class", ""), ["2", "3", "4", "5"])

    def test_list_kinds_and_files(self):
        self.assertEqual(complete("list", "v"), ["verdicts", "vendors", "vendor-codes"])
        here = os.path.dirname(os.path.abspath(COMMANDS))
        self.assertIn(os.path.join(here, "commands.toml"), complete("scan", os.path.join(here, "comm")))


class Installed(unittest.TestCase):
    def test_install_paths(self):
        with open(os.path.join(BUILD_ROOT, "meson-info", "intro-installed.json")) as f:
            installed = json.load(f)
        where = {os.path.realpath(k): v for k, v in installed.items()}
        for built, suffix in ((BASH, "share/bash-completion/completions/smtpcode"),
                              (ZSH, "share/zsh/site-functions/_smtpcode"),
                              (FISH, "share/fish/vendor_completions.d/smtpcode.fish")):
            self.assertIn(os.path.realpath(built), where)
            self.assertTrue(where[os.path.realpath(built)].endswith(suffix), where[os.path.realpath(built)])


if __name__ == "__main__":
    tap.main()
