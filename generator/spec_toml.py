"""Reading a hand-written TOML description that generators work from
(src/cli/commands.toml, docs/json.toml): the document, or an exit that
names the file and what is wrong with it."""

import sys
import tomllib


def read(path, shown):
    """The document at path; `shown` names it in the error."""
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        sys.exit(f"{shown}: {e}")


def exit_on(problems, shown):
    """Each problem on standard error, then exit 1; nothing when there are none."""
    if problems:
        for p in problems:
            print(f"error: {shown}: {p}", file=sys.stderr)
        sys.exit(1)
