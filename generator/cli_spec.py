"""Load and check src/cli/commands.toml, the one description of the smtpcode
command line that gen_cli_help.py (--help) and gen_man1.py (smtpcode(1)) read.
A problem stops the build with `src/cli/commands.toml: ENTRY: problem`.
"""

import os
import sys
import tomllib

SHOWN = "src/cli/commands.toml"
TOP = {"name", "purpose", "usage", "description", "command", "option", "example", "exit", "environment"}
FIELDS = {
    "description": ({"text", "man", "heading", "column", "items"}, set()),
    "command": ({"name", "args", "help", "man"}, {"name", "help"}),
    "option": ({"flags", "arg", "joined", "help", "man"}, {"flags", "help"}),
    "example": ({"command", "help", "man", "output", "recorded", "status", "in_help"}, {"command", "man"}),
    "exit": ({"status", "help", "man"}, {"status", "help", "man"}),
    "environment": ({"name", "man"}, {"name", "man"}),
}


class Spec:
    def __init__(self, doc):
        self.name = doc["name"]
        self.purpose = doc["purpose"]
        self.usage = doc["usage"]
        self.description = doc["description"]
        self.commands = doc["command"]
        self.options = doc["option"]
        self.examples = doc["example"]
        self.exits = doc["exit"]
        self.environment = doc["environment"]

    @staticmethod
    def option_term(o):
        """'-h, --help', '--stage S', '--color=WHEN'."""
        term = ", ".join(o["flags"])
        if "arg" in o:
            term += ("=" if o.get("joined") else " ") + o["arg"]
        return term


def load(path):
    problems = []
    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        sys.exit(f"{SHOWN}: {e}")
    for key in sorted(set(doc) - TOP):
        problems.append(f"{key}: unknown top-level key")
    for key in sorted(TOP - set(doc)):
        problems.append(f"{key}: missing")
    for table, (allowed, required) in FIELDS.items():
        for i, e in enumerate(doc.get(table, [])):
            entry = f"[[{table}]] #{i + 1}"
            for key in sorted(set(e) - allowed):
                problems.append(f"{entry}: unknown field '{key}'")
            for key in sorted(required - set(e)):
                problems.append(f"{entry}: missing field '{key}'")
            for key in ("text", "man", "help", "heading"):
                v = e.get(key)
                if v is not None and (not isinstance(v, str) or v != " ".join(v.split())):
                    problems.append(f"{entry}: '{key}' must be a string with single spaces")
        if table == "description":
            for i, e in enumerate(doc.get(table, [])):
                if ("items" in e) != ("heading" in e) or ("items" not in e and "text" not in e):
                    problems.append(f"[[description]] #{i + 1}: a paragraph has 'text'; a list 'heading' and 'items'")
    for i, o in enumerate(doc.get("option", [])):
        if not all(isinstance(f, str) and f.startswith("-") for f in o.get("flags", [])):
            problems.append(f"[[option]] #{i + 1}: 'flags' must be a list of options")
    for i, e in enumerate(doc.get("example", [])):
        if not str(e.get("command", "")).startswith(doc.get("name", "?") + " "):
            problems.append(f"[[example]] #{i + 1}: 'command' must start with the program's name")
    if problems:
        for p in problems:
            print(f"error: {SHOWN}: {p}", file=sys.stderr)
        sys.exit(1)
    return Spec(doc)


def recorded_output(example, source_root):
    """What the run recorded for an example (`recorded = "docs/FILE"`: "$ command", then its
    output) printed; the file must record the example's own command."""
    with open(os.path.join(source_root, example["recorded"]), encoding="utf-8") as f:
        command, _, output = f.read().partition("\n")
    if command != "$ " + example["command"]:
        sys.exit(f"{example['recorded']} records '{command}', not '$ {example['command']}'")
    return output
