"""Writes cli_help.h: the usage and --help text of the smtpcode command, as the
C string usage_text and the blocks of help_text that src/cli/main.c prints, and the help
of each command (smtpcode scan --help) in command_help[]. An example with
`recorded = "docs/FILE"` (a run that needs servers) shows the first answer of
that recorded run under it in the command's help.

usage: gen_cli_help.py COMMANDS_TOML [SOURCE_ROOT] > cli_help.h
"""

import os
import sys
import textwrap

import cgen
import cli_spec
import mdoc

PARAGRAPH_WIDTH = 75
LIST_WIDTH = 79
COMMAND_COLUMN = 19
OPTION_COLUMN = 20
EXAMPLE_COLUMN = 32
C_STRING_LIMIT = 4095  # the longest string literal C99 and C11 promise to take


def paragraph(text):
    return textwrap.fill(mdoc.plain(text), PARAGRAPH_WIDTH, break_on_hyphens=False) + "\n"


def item(term, text, column):
    """'  term      text', the text wrapped with a hanging indent at column."""
    head = ("  " + term).ljust(column - 1) + " "
    if not text:
        return "  " + term + "\n"
    return textwrap.fill(mdoc.plain(text), LIST_WIDTH, initial_indent=head, subsequent_indent=" " * column,
                         break_on_hyphens=False, break_long_words=False) + "\n"


def usage_text(spec):
    lines = []
    for i, u in enumerate(spec.usage):
        lines.append(("usage: " if i == 0 else "       ") + f"{spec.name} {u}\n")
    return "".join(lines)


def help_blocks(spec):
    """The --help text in blocks, one a paragraph or list: each is a C string
    of its own, so the whole may be longer than one literal may be."""
    blocks = []
    for d in spec.description:
        if "items" in d:
            block = d["heading"] + "\n" + "".join(item(t, x, d.get("column", OPTION_COLUMN)) for t, x in d["items"])
            if "text" in d:
                block += paragraph(d["text"])
            blocks.append(block)
        else:
            blocks.append(paragraph(d["text"]))
    blocks.append("Commands:\n" + "".join(item(f"{c['name']} {c.get('args', '')}".strip(), c["help"], COMMAND_COLUMN)
                                          for c in spec.commands))
    blocks.append("Options:\n" + "".join(item(spec.option_term(o), o["help"], OPTION_COLUMN) for o in spec.options))
    blocks.append("Examples:\n" + "".join(item(e["command"], e.get("help", ""), EXAMPLE_COLUMN)
                                          for e in spec.examples if e.get("in_help", True)))
    blocks.append(paragraph("Exit status: " + "; ".join(f"{x['status']} {x['help']}" for x in spec.exits) + "."))
    return [b + "\n" for b in blocks[:-1]] + blocks[-1:]


def recorded_answer(example, source_root):
    """The first answer (up to the first blank line) of the run recorded for example."""
    first = cli_spec.recorded_output(example, source_root).split("\n\n")[0].rstrip("\n").split("\n")
    heading = f"the first answer of this run against the test servers ({example['recorded']}):"
    return "    " + heading + "\n" + "".join("      " + line + "\n" for line in first)


def options_block(spec, command):
    """The options a command takes, for its own --help."""
    rows = [item(spec.option_term(o), o["help"], OPTION_COLUMN) for o in spec.options
            if command in spec.option_commands(o)]
    return "Options:\n" + "".join(rows) if rows else ""


def command_text(spec, c, source_root):
    """`smtpcode CMD --help` in blocks: its usage lines, what it does, its
    options and examples."""
    name = c["name"]
    usage = [u for u in spec.usage if u.split()[0] == name]
    lines = "".join(("usage: " if i == 0 else "       ") + f"{spec.name} {u}\n" for i, u in enumerate(usage))
    blocks = [lines, paragraph(c.get("man", c["help"]))]
    options = options_block(spec, name)
    if options:
        blocks.append(options)
    examples = [e for e in spec.examples if len(spec.example_words(e)) > 1 and spec.example_words(e)[1] == name]
    if examples:
        blocks.append("Examples:\n" + "".join(item(e["command"], e.get("help", ""), EXAMPLE_COLUMN) +
                                              (recorded_answer(e, source_root) if e.get("recorded") else "")
                                              for e in examples))
    blocks.append(paragraph(f"Exit status and the other commands: {spec.name} --help; "
                            f"everything in full: man {spec.name}."))
    return [b + "\n" for b in blocks[:-1]] + blocks[-1:]


def option_table(spec):
    """Which commands take each option: main.c refuses the others."""
    names = spec.command_names()
    if len(names) > 31:
        sys.exit("gen_cli_help.py: more than 31 commands do not fit the bits of an unsigned")
    out = ["/* The command words, bit i of cli_option_commands[].commands each; CLI_QUERY",
           " * is a code or reply given alone. */",
           "static const char *const cli_commands[] = {"]
    out += [f"\t{cgen.c_string(n)}," for n in names] + ["\tNULL,", "};", "#define CLI_QUERY (1u << 31)", "",
                                                        "static const struct {", "\tconst char *flag;",
                                                        "\tunsigned commands;", "} cli_option_commands[] = {"]
    for o in spec.options:
        bits = 0
        for c in spec.option_commands(o):
            bits |= (1 << 31) if c == spec.QUERY else 1 << names.index(c)
        for f in o["flags"]:
            out.append(f"\t{{{cgen.c_string(f)}, 0x{bits:08x}u}},")
    out += ["\t{NULL, 0},", "};", ""]
    return out


def c_lines(name, text):
    if len(text.encode("utf-8")) >= C_STRING_LIMIT:
        sys.exit(f"gen_cli_help.py: {name} is {len(text)} bytes; C99 promises string literals of {C_STRING_LIMIT}")
    out = [f"static const char {name}[] ="]
    lines = text.split("\n")
    for i, line in enumerate(lines[:-1]):
        out.append("\t" + cgen.c_string(line)[:-1] + '\\n"')
    if lines[-1]:
        out.append("\t" + cgen.c_string(lines[-1]))
    out[-1] += ";"
    return out


def within_limit(blocks):
    """The blocks, a block longer than a C string literal may be cut at line
    ends into several: printed one after another they are the same text."""
    out = []
    for block in blocks:
        piece = ""
        for line in block.splitlines(keepends=True):
            if piece and len((piece + line).encode("utf-8")) >= C_STRING_LIMIT:
                out.append(piece)
                piece = ""
            piece += line
        out.append(piece)
    return out


def c_blocks(name, blocks):
    """A NULL-terminated array of C strings, one a block."""
    out = [f"static const char *const {name}[] = {{"]
    for i, block in enumerate(within_limit(blocks)):
        lines = c_lines(f"{name}[{i}]", block)[1:]
        lines[-1] = lines[-1][:-1] + ","
        out += lines
    out += ["\tNULL,", "};"]
    return out


def main():
    spec = cli_spec.load(sys.argv[1])
    source_root = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..")
    out = [cgen.banner(__file__, ["src/cli/commands.toml"]),
           "#ifndef SMTPCODE_CLI_HELP_H", "#define SMTPCODE_CLI_HELP_H", ""]
    out += c_lines("usage_text", usage_text(spec)) + [""]
    out += c_blocks("help_text", help_blocks(spec)) + [""]
    table = []
    for c in spec.commands:
        ident = "help_" + c["name"].replace("-", "_")
        out += c_blocks(ident, command_text(spec, c, source_root)) + [""]
        table.append(f"\t{{{cgen.c_string(c['name'])}, {ident}}},")
    out += ["static const struct {", "\tconst char *name;", "\tconst char *const *text;", "} command_help[] = {",
            *table, "\t{NULL, NULL},", "};", ""]
    out += option_table(spec)
    out += ["#endif", ""]
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
