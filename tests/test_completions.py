"""The shell completions generated from src/cli/commands.toml and data/: each
names every command and option, bash -n (and zsh -n, fish -n where those
shells are installed) accepts it, the bash one completes commands, the
options each command takes and no other, option values (names from the data,
after the last comma of a list) and list kinds when run, smtpcode refuses
every option a command's completion leaves out, and meson install puts each
where its shell looks.

usage: test_completions.py BASH ZSH FISH COMMANDS_TOML BUILD_ROOT DATADIR SMTPCODE
"""

import json
import os
import shutil
import subprocess
import sys
import tomllib
import unittest

import smtpcode_data
import tap

BASH, ZSH, FISH, COMMANDS, BUILD_ROOT, DATADIR, SMTPCODE = sys.argv[1:8]
with open(COMMANDS, "rb") as f:
    SPEC = tomllib.load(f)
DATA = smtpcode_data.load(DATADIR)
COMMAND_NAMES = [c["name"] for c in SPEC["command"]]


def takes(option, command):
    return command in option.get("commands", ["query"] + COMMAND_NAMES)


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
        self.assertEqual(complete("scan", "--fo"), ["--format", "--follow"])
        self.assertEqual(complete("--fo"), [], "a code alone takes no --format")
        self.assertIn("--color=", complete("--co"))

    def test_each_command_gets_its_own_options(self):
        for command in ["query"] + COMMAND_NAMES:
            words = () if command == "query" else (command,)
            offered = set(complete(*words, "-"))
            for o in SPEC["option"]:
                for flag in o["flags"]:
                    shown = flag + "=" if o.get("joined") and flag.startswith("--") else flag
                    with self.subTest(command=command, flag=flag):
                        self.assertEqual(shown in offered, takes(o, command))
        self.assertNotIn("--class", complete("scan", "--"))
        self.assertIn("--by", complete("stats", "--b"))
        self.assertNotIn("--by", complete("scan", "--b"))

    def test_refused_where_not_offered(self):
        """What the completion leaves out, smtpcode refuses: one table says both."""
        for command in COMMAND_NAMES:
            for o in SPEC["option"]:
                if takes(o, command) or o["flags"][-1] in ("--help", "--version"):
                    continue
                args = [command, o["flags"][-1]] + (["2"] if "arg" in o else [])
                with self.subTest(command=command, flag=o["flags"][-1]):
                    r = subprocess.run([SMTPCODE, *args], capture_output=True, text=True, timeout=30)
                    self.assertEqual(r.returncode, 2, r.stderr)
                    self.assertIn(o["flags"][-1] + " applies to ", r.stderr)

    def test_values(self):
        self.assertEqual(complete("scan", "--format", "t"), ["text", "tsv"])
        self.assertEqual(complete("scan", "--format", "a"), ["addresses"])
        self.assertEqual(complete("stats", "--format", ""), ["text", "tsv", "csv"])
        self.assertEqual(complete("--stage", "e"), ["ehlo", "end-of-data"])
        self.assertEqual(complete("--color", "=", "a"), ["auto", "always"])
        self.assertEqual(complete("list", "--class", ""), ["2", "3", "4", "5"])
        self.assertEqual(complete("stats", "--by", "d"), ["domain", "day"])

    def test_names_from_the_data(self):
        reasons = [e["name"] for e in DATA.taxonomy["reason"]]
        self.assertEqual(complete("scan", "--reason", ""), reasons)
        self.assertEqual(complete("scan", "--reason", "auth-"), [r for r in reasons if r.startswith("auth-")])
        self.assertEqual(complete("stats", "--bounce", ""), [e["name"] for e in DATA.taxonomy["bounce"]])
        self.assertEqual(complete("scan", "--verdict", "un"),
                         [e["name"] for e in DATA.taxonomy["verdict"] if e["name"].startswith("un")])
        self.assertEqual(complete("scan", "--vendor", ""), [v["id"] for v in DATA.vendors])
        self.assertEqual(complete("list", "--vendor", "gm"), ["gmail", "gmx"])

    def test_after_a_comma(self):
        self.assertEqual(complete("scan", "--reason", "user-unknown,mailbox-f"), ["user-unknown,mailbox-full"])
        self.assertEqual(complete("scan", "--bounce=hard,bl"), ["--bounce=hard,block"])

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
