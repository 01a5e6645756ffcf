"""Checks JSON that the tests read from smtpcode against the JSON Schema of its
output (SMTPCODE_SCHEMA_DIR/smtpcode-OUTPUT.schema.json, generated from
docs/json.toml): a test's run() hands each command and what it wrote to
check_output(), which finds the output from the command line and validates
every line. Without SMTPCODE_SCHEMA_DIR nothing is checked; with it, the
python3-jsonschema module is required.

A schema constrains a free string (a file name, a recipient, a reply) and a
number by their type only, so a line is validated once for each shape: the
line with each such member's value replaced by its type. A test's 100000
records of a big log then take a second, not minutes.
"""

import json
import os
import subprocess

SCHEMA_DIR = os.environ.get("SMTPCODE_SCHEMA_DIR")
COMMANDS = ("explain", "scan", "stats", "list", "search")
_validators = {}
_free = {}     # output: the members that are a free string wherever they appear
_seen = set()  # (output, shape) of the lines found valid

if SCHEMA_DIR:
    import jsonschema  # Debian: python3-jsonschema; scripts/bootstrap installs it


def output_of(args):
    """The output smtpcode writes for args when it writes JSON, else None."""
    args = [a for a in args if isinstance(a, str)]
    json_out = "--json" in args or any(a in ("--format=jsonl",) for a in args) or \
        any(a == "--format" and i + 1 < len(args) and args[i + 1] == "jsonl" for i, a in enumerate(args))
    if not json_out:
        return None
    command = "query"
    for a in args:
        if a == "--":
            break
        if a in COMMANDS:
            command = a
            break
        if not a.startswith("-"):
            break
    if command == "stats" and any(a == "--by" or a.startswith("--by=") for a in args):
        return "stats-by"
    return command


def validator(output):
    if output not in _validators:
        with open(os.path.join(SCHEMA_DIR, f"smtpcode-{output}.schema.json"), encoding="utf-8") as f:
            schema = json.load(f)
        _validators[output] = jsonschema.Draft202012Validator(schema)
        _free[output] = free_strings(schema)
    return _validators[output]


def free_strings(schema):
    """The member names whose schema, in every object of schema, takes any
    string: no enum, no const."""
    free, bound = set(), set()
    for d in [schema] + list(schema.get("$defs", {}).values()):
        for name, p in d.get("properties", {}).items():
            alternatives = p.get("anyOf", [p])
            (bound if any("enum" in a or "const" in a or "$ref" in a for a in alternatives) else free).add(name)
    return free - bound


def shape(output, obj):
    """obj with its free strings and its numbers as their types."""
    if not isinstance(obj, dict):
        return None
    out = {}
    for k, x in obj.items():
        if isinstance(x, str) and k in _free[output]:
            x = "\0string"
        elif isinstance(x, (int, float)) and not isinstance(x, bool):
            x = "\0" + type(x).__name__
        out[k] = x
    return json.dumps(out)


def run(smtpcode, args, stdin=None, env=None, timeout=30, cwd=None):
    """Runs smtpcode with args, as a test's run() does, and checks the JSON it
    wrote (check_output); returns the subprocess.CompletedProcess, output as
    bytes."""
    r = subprocess.run([smtpcode, *args], input=stdin, capture_output=True, env=env, timeout=timeout, cwd=cwd)
    check_output(args, r.stdout)
    return r


def check_output(args, stdout):
    """Validates every line of stdout (str or bytes) that smtpcode args wrote;
    raises AssertionError naming the line and what is wrong."""
    output = output_of(args) if SCHEMA_DIR else None
    if output is None:
        return 0
    if isinstance(stdout, bytes):
        stdout = stdout.decode("utf-8")
    v = validator(output)
    lines = 0
    for n, line in enumerate(stdout.splitlines(), 1):
        if not line:
            continue
        obj = json.loads(line)
        key = (output, shape(output, obj))
        if key in _seen:
            lines += 1
            continue
        errors = sorted(v.iter_errors(obj), key=lambda e: list(e.path))
        if errors:
            best = jsonschema.exceptions.best_match(errors)
            raise AssertionError(f"smtpcode {' '.join(map(str, args))}: line {n} does not fit "
                                 f"smtpcode-{output}.schema.json: {best.message} at "
                                 f"{'/'.join(map(str, best.absolute_path)) or 'the top'}: {line[:300]}")
        _seen.add(key)
        lines += 1
    return lines
