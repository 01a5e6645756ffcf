"""Writes the single-header smtpcode.h (stb style): the public API, then the
whole implementation behind `#define SMTPCODE_IMPLEMENTATION`, then the
licence. Users need no gperf, re2c, Python or meson.

The files and their order come from the explicit lists below, never from the
command line: the arguments only say where each listed file is (the build
passes the sources, the generated tables, the gperf hashes and the re2c
lexers, the latter generated with -i so that they hold no #line). A listed
file that is missing, or a file given that is not listed, stops the build.

What the amalgamation changes:
- a project `#include "..."` is replaced by the file itself the first time
  and dropped after that; `#include <...>` appears once;
- `#line` directives and gperf's "Command-line:" comment (it names the build
  directory) are dropped, so the output is the same byte for byte wherever it
  is built;
- internal functions declared in internal headers with external linkage
  (smtpcode__*) are declared static: nothing but the API leaves the unit;
- a file-scope static name or struct tag defined in two .c files (they were
  separate units) is renamed in the later file; the macros a .c file
  defines are #undef'd at its end;
- gperf's `register` is dropped (C++17 removed it) and its %pic offsets
  `(int)(size_t)&((struct T *)0)->f` become `(int)offsetof(struct T, f)`,
  a constant expression in C++ as well.

usage: amalgamate.py LICENSE FILE... > smtpcode.h
"""

import os
import re
import sys

# The public part: include/smtpcode.h, with the generated enums inlined.
PUBLIC = "smtpcode.h"

# The implementation, in this order. Headers are inlined where first
# included; the ones listed here first come before any .c file.
IMPLEMENTATION = [
    "code_parse.h",
    "carrier.h",
    "charset.h",
    "parse.c",
    "lookup.c",
    "names.c",
    "reply.c",
    "carrier.c",
    "classify.c",
    "charset.c",
    "words.c",
    "message.h",
    "message_scan.c",
    "message.c",
    "message_dsn.c",
    "message_json.c",
    "message_text.c",
    "version.c",
]

# Every file that takes part, with the name shown in its banner.
FILES = {
    "smtpcode.h": "include/smtpcode.h",
    "smtpcode_enums.h": "smtpcode_enums.h (generator/gen_enums.py)",
    "code_parse.h": "src/code_parse.h",
    "carrier.h": "src/carrier.h",
    "parse.c": "src/parse.c",
    "lookup.c": "src/lookup.c",
    "smtpcode_tables.h": "smtpcode_tables.h (generator/gen_tables.py)",
    "names.c": "src/names.c",
    "smtpcode_reason_names.h": "smtpcode_reason_names.h (gperf, generator/gen_gperf.py)",
    "smtpcode_action_names.h": "smtpcode_action_names.h (gperf, generator/gen_gperf.py)",
    "smtpcode_bounce_names.h": "smtpcode_bounce_names.h (gperf, generator/gen_gperf.py)",
    "smtpcode_verdict_names.h": "smtpcode_verdict_names.h (gperf, generator/gen_gperf.py)",
    "smtpcode_vendor_names.h": "smtpcode_vendor_names.h (gperf, generator/gen_gperf.py)",
    "reply.c": "src/reply.re (re2c -i)",
    "carrier.c": "src/carrier.re (re2c -i)",
    "classify.c": "src/classify.c",
    "smtpcode_classifier.h": "smtpcode_classifier.h (generator/gen_classifier.py)",
    "charset.h": "src/charset.h",
    "charset.c": "src/charset.c",
    "words.c": "src/words.c",
    "smtpcode_charsets.h": "smtpcode_charsets.h (generator/gen_charsets.py)",
    "message.h": "src/message.h",
    "message_scan.c": "src/message_scan.re (re2c -i)",
    "message.c": "src/message.c",
    "message_dsn.c": "src/message_dsn.c",
    "message_json.c": "src/message_json.c",
    "message_text.c": "src/message_text.c",
    "smtpcode_message_markers.h": "smtpcode_message_markers.h (generator/gen_message.py)",
    "version.c": "src/version.c",
    "smtpcode_version.h": "smtpcode_version.h (src/smtpcode_version.h.in)",
}

INCLUDE_RE = re.compile(r'^\s*#\s*include\s+([<"])([^>"]+)[>"]')
LINE_RE = re.compile(r"^\s*#\s*line\b")
DEFINE_RE = re.compile(r"^\s*#\s*define\s+(\w+)")
GPERF_CMDLINE_RE = re.compile(r"^/\* Command-line: .*\*/$")
PIC_OFFSET_RE = re.compile(r"\(int\)\(size_t\)&\(\(struct (\w+) \*\)0\)->(\w+)")
# A declaration in an internal header of a function with external linkage.
INTERNAL_DECL_RE = re.compile(r"^(?!static\b|typedef\b|extern\b|#|struct\s+\w+\s*\{|\s)"
                              r"[A-Za-z_][\w \t*]*?\b(smtpcode__\w+)\s*\(")
TOKEN_RE = re.compile(r"""/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|[A-Za-z_]\w*|.""", re.S)


class Amalgamation:
    def __init__(self, paths):
        self.paths = paths
        self.out = []
        self.done = set()            # project files already inlined
        self.system = set()          # system headers already included
        self.file_names = {}         # .c file -> its file-scope private names

    def fail(self, message):
        sys.exit(f"amalgamate.py: {message}")

    def read(self, name):
        with open(self.paths[name], encoding="utf-8") as f:
            text = f.read()
        text = PIC_OFFSET_RE.sub(r"(int)offsetof(struct \1, \2)", text)
        if name.endswith("_names.h"):
            text = re.sub(r"\bregister\s+", "", text)
        return text

    def emit_file(self, name, public=False):
        if name in self.done:
            return
        self.done.add(name)
        text = self.read(name)
        if name.endswith(".c"):
            text = self.rename_collisions(name, text)
        self.out.append(f"/* ---- Begin file {FILES[name]} ---- */")
        defined = []
        for line in text.split("\n"):
            if LINE_RE.match(line) or GPERF_CMDLINE_RE.match(line):
                continue
            m = INCLUDE_RE.match(line)
            if m:
                self.include(name, m.group(1), m.group(2), public)
                continue
            if name.endswith(".h") and not public:
                m = INTERNAL_DECL_RE.match(line)
                if m:
                    line = "static " + line
            if name.endswith(".c"):
                m = DEFINE_RE.match(line)
                if m and m.group(1) not in defined:
                    defined.append(m.group(1))
            self.out.append(line)
        while self.out and self.out[-1] == "":
            self.out.pop()
        if defined:
            self.out.append(f"/* the macros of {FILES[name]} end with it */")
            self.out += [f"#undef {d}" for d in defined]
        self.out.append(f"/* ---- End of {FILES[name]} ---- */")
        self.out.append("")

    def include(self, including, kind, target, public):
        if kind == "<":
            if target not in self.system:
                self.system.add(target)
                self.out.append(f"#include <{target}>")
            return
        base = os.path.basename(target)
        if base not in FILES:
            self.fail(f"{including} includes \"{target}\", which is not in the file list")
        if base in self.done:
            return
        if base not in self.paths:
            self.fail(f"{including} includes \"{target}\", which was not given")
        self.emit_file(base, public)

    def private_names(self, text):
        """File-scope static functions and objects, struct/union/enum tags."""
        names = set()
        lines = text.split("\n")
        for i, line in enumerate(lines):
            if line.startswith("static "):
                # "static int\nname(" (samurai style) or "static T name(...)" or "static T name[...] = "
                head = line
                if "(" not in head and "=" not in head and ";" not in head and i + 1 < len(lines):
                    m = re.match(r"^(\w+)\s*\(", lines[i + 1])
                    if m:
                        names.add(m.group(1))
                        continue
                m = re.match(r"^static\b[^=;(]*?\b(\w+)\s*(\(|\[|=|;)", head)
                if m and m.group(1) not in ("inline", "const", "struct", "unsigned", "int", "char"):
                    names.add(m.group(1))
            m = re.match(r"^(?:struct|union|enum)\s+(\w+)\s*\{", line)
            if m:
                names.add(m.group(1))
        return names

    def rename_collisions(self, name, text):
        names = self.private_names(text)
        taken = set()
        for other in self.file_names.values():
            taken |= other
        clash = names & taken
        self.file_names[name] = names
        if not clash:
            return text
        suffix = "_" + re.sub(r"\W", "_", os.path.splitext(name)[0])

        def rename(m):
            tok = m.group(0)
            return tok + suffix if tok in clash else tok

        return TOKEN_RE.sub(rename, text)

    def build(self, licence):
        self.out += [
            "/* smtpcode.h - SMTP reply codes for people and programs, as a single header.",
            " *",
            " * Generated by generator/amalgamate.py from include/smtpcode.h, src/ and the",
            " * tables generated from data/. DO NOT EDIT.",
            " *",
            " * In exactly one C or C++ file of your program:",
            " *",
            " *     #define SMTPCODE_IMPLEMENTATION",
            " *     #include \"smtpcode.h\"",
            " *",
            " * and include it without the #define everywhere else. Or, for a private",
            " * copy in each file that uses it:",
            " *",
            " *     #define SMTPCODE_STATIC",
            " *     #include \"smtpcode.h\"",
            " *",
            " * SMTPCODE_STATIC makes every function static (and implies",
            " * SMTPCODE_IMPLEMENTATION), so two files, or a program that also links",
            " * libsmtpcode, never clash. C99 or later, or C++; no other dependency.",
            " * The licence is at the end of the file; the API is documented in",
            " * smtpcode(3) and below.",
            " */",
            "#if defined(SMTPCODE_STATIC) && !defined(SMTPCODE_API)",
            "#if defined(__GNUC__)",
            "#define SMTPCODE_API static __attribute__((unused))",
            "#else",
            "#define SMTPCODE_API static",
            "#endif",
            "#endif",
            "#if defined(SMTPCODE_STATIC) && !defined(SMTPCODE_IMPLEMENTATION)",
            "#define SMTPCODE_IMPLEMENTATION",
            "#endif",
            "",
        ]
        self.emit_file(PUBLIC, public=True)
        self.out += [
            "#if defined(SMTPCODE_IMPLEMENTATION) && !defined(SMTPCODE_IMPLEMENTATION_DONE)",
            "#define SMTPCODE_IMPLEMENTATION_DONE",
            "",
        ]
        for name in IMPLEMENTATION:
            self.emit_file(name)
        unused = sorted(set(self.paths) - self.done)
        if unused:
            self.fail(f"given but never included: {', '.join(unused)}")
        self.out += ["#endif /* SMTPCODE_IMPLEMENTATION */", "", "/*"]
        self.out += [(" * " + line).rstrip() for line in licence.rstrip("\n").split("\n")]
        self.out += [" */", ""]
        return "\n".join(self.out)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.rsplit("usage: ", 1)[1])
    with open(sys.argv[1], encoding="utf-8") as f:
        licence = f.read()
    paths = {}
    for path in sys.argv[2:]:
        base = os.path.basename(path)
        if base not in FILES:
            sys.exit(f"amalgamate.py: {path} is not in the file list")
        if base in paths:
            sys.exit(f"amalgamate.py: {base} given twice ({paths[base]}, {path})")
        paths[base] = path
    missing = sorted(set(FILES) - set(paths))
    if missing:
        sys.exit(f"amalgamate.py: missing {', '.join(missing)}")
    sys.stdout.write(Amalgamation(paths).build(licence))


if __name__ == "__main__":
    main()
