"""Load and check src/cli/commands.toml, the one description of the smtpcode
command line that gen_cli_help.py (--help) and gen_man1.py (smtpcode(1)) read.
A problem stops the build with `src/cli/commands.toml: ENTRY: problem`.
"""

import os
import sys

import spec_toml

SHOWN = "src/cli/commands.toml"
TOP = {"name", "purpose", "usage", "description", "command", "option", "example", "exit", "environment"}
FIELDS = {
    "description": ({"text", "man", "heading", "column", "items"}, set()),
    "command": ({"name", "args", "help", "man"}, {"name", "help"}),
    "option": ({"flags", "arg", "joined", "help", "man", "commands", "values"}, {"flags", "help"}),
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

    QUERY = "query"  # a code or reply given alone, with no command word
    DATA_LISTS = ("data:reason", "data:bounce", "data:verdict", "data:vendor")

    def command_names(self):
        return [c["name"] for c in self.commands]

    def option_commands(self, o):
        """The commands that take option o ("query" among them)."""
        return o.get("commands", [self.QUERY] + self.command_names())

    def option_values(self, o, command):
        """What option o takes with command: a list, a "data:..." name, or None."""
        v = o.get("values")
        if isinstance(v, dict):
            return v.get(command)
        return v

    @staticmethod
    def example_words(e):
        """The words of an example's smtpcode command (after a pipe into it)."""
        words = e["command"].split()
        return words[words.index("smtpcode"):] if "smtpcode" in words else words

    @staticmethod
    def option_term(o):
        """'-h, --help', '--stage S', '--color=WHEN'."""
        term = ", ".join(o["flags"])
        if "arg" in o:
            term += ("=" if o.get("joined") else " ") + o["arg"]
        return term


def load(path):
    problems = []
    doc = spec_toml.read(path, SHOWN)
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
    commands = {c.get("name") for c in doc.get("command", [])} | {Spec.QUERY}
    for i, o in enumerate(doc.get("option", [])):
        entry = f"[[option]] #{i + 1}"
        for c in o.get("commands", []):
            if c not in commands:
                problems.append(f"{entry}: 'commands' names '{c}', which is no command")
        v = o.get("values")
        lists = v.values() if isinstance(v, dict) else [v] if v is not None else []
        if isinstance(v, dict) and not set(v) <= set(o.get("commands", commands)):
            problems.append(f"{entry}: 'values' is by command, for commands that take the option")
        for x in lists:
            if not (x in Spec.DATA_LISTS or (isinstance(x, list) and all(isinstance(y, str) for y in x))):
                problems.append(f"{entry}: 'values' must be a list of words or one of {', '.join(Spec.DATA_LISTS)}")
        if v is not None and "arg" not in o:
            problems.append(f"{entry}: 'values' for an option that takes no value")
    for i, e in enumerate(doc.get("example", [])):
        command = str(e.get("command", ""))
        name = doc.get("name", "?")
        if not command.startswith(name + " ") and f"| {name} " not in command:
            problems.append(f"[[example]] #{i + 1}: 'command' must start with the program's name, or pipe into it")
        if e.get("output") and not command.startswith(name + " "):
            problems.append(f"[[example]] #{i + 1}: only a command that starts with the program's name is run")
    spec_toml.exit_on(problems, SHOWN)
    return Spec(doc)


def recorded_output(example, source_root):
    """What the run recorded for an example (`recorded = "docs/FILE"`: "$ command", then its
    output) printed; the file must record the example's own command."""
    with open(os.path.join(source_root, example["recorded"]), encoding="utf-8") as f:
        command, _, output = f.read().partition("\n")
    if command != "$ " + example["command"]:
        sys.exit(f"{example['recorded']} records '{command}', not '$ {example['command']}'")
    return output
