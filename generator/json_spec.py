"""Load and check docs/json.toml, the one description of smtpcode's JSON that
gen_json_doc.py (docs/json.md) and gen_json_schema.py (the JSON Schemas)
read. A problem stops the build with `docs/json.toml: ENTRY: problem`.
"""

import re

import spec_toml

SHOWN = "docs/json.toml"
BASE_TYPES = {"string", "integer", "number", "boolean", "null", "object"}
DATA_LISTS = {"reason", "action", "bounce", "verdict", "vendor", "vendor-or-none"}
LIBRARY_LISTS = {"stage", "signal", "carrier", "log_status", "dsn_action", "report", "reply_flag"}
FIELD_KEYS = {"name", "type", "meaning", "values", "optional", "doc", "open"}


class Spec:
    def __init__(self, doc):
        self.version = doc["schema_version"]
        self.outputs = doc["output"]
        self.objects = {o["id"]: o for o in doc["object"]}

    def fields(self, oid):
        """The fields of object oid, `extends` and `include` resolved, in order."""
        o = self.objects[oid]
        out = list(self.fields(o["extends"])) if "extends" in o else []
        for f in o["fields"]:
            own = self.fields(f["include"]) if "include" in f else [f]
            for g in own:
                for i, h in enumerate(out):
                    if h["name"] == g["name"]:
                        out[i] = g
                        break
                else:
                    out.append(g)
        return out

    def own_fields(self, oid):
        """The fields object oid documents itself: its own, includes left out."""
        return [f for f in self.objects[oid]["fields"] if "include" not in f and f.get("doc", True)]


def alternatives(type_text):
    return [t.strip() for t in type_text.split(" or ")]


def load(path):
    problems = []
    doc = spec_toml.read(path, SHOWN)
    for key in ("schema_version", "output", "object"):
        if key not in doc:
            problems.append(f"{key}: missing")
    ids = set()
    for i, o in enumerate(doc.get("object", [])):
        if o.get("id") in ids:
            problems.append(f"[[object]] #{i + 1}: id '{o.get('id')}' twice")
        ids.add(o.get("id"))
    for o in doc.get("object", []):
        entry = f"object '{o.get('id')}'"
        if "extends" in o and o["extends"] not in ids:
            problems.append(f"{entry}: extends '{o['extends']}', which is no object")
        names = set()
        for f in o.get("fields", []):
            if "include" in f:
                if set(f) != {"include"} or f["include"] not in ids:
                    problems.append(f"{entry}: include '{f.get('include')}' names no object, or has more keys")
                continue
            where = f"{entry}: field '{f.get('name')}'"
            for key in sorted(set(f) - FIELD_KEYS):
                problems.append(f"{where}: unknown key '{key}'")
            for key in ("name", "type", "meaning"):
                if not isinstance(f.get(key), str):
                    problems.append(f"{where}: '{key}' missing")
            if f.get("name") in names:
                problems.append(f"{where}: twice")
            names.add(f.get("name"))
            for t in alternatives(f.get("type", "")):
                t = t[len("array of "):] if t.startswith("array of ") else t
                if t not in BASE_TYPES and t not in ids:
                    problems.append(f"{where}: type '{t}' is neither a JSON type nor an object")
            v = f.get("values")
            if v is not None and not (isinstance(v, list) and all(isinstance(x, str) for x in v)) and \
                    v not in DATA_LISTS | LIBRARY_LISTS:
                problems.append(f"{where}: values must be a list of strings or one of "
                                f"{', '.join(sorted(DATA_LISTS | LIBRARY_LISTS))}")
            if f.get("doc", True) and not f.get("meaning"):
                problems.append(f"{where}: a documented field needs a meaning")
            if "meaning" in f and ("\n" in f["meaning"] or f["meaning"] != f["meaning"].strip()):
                problems.append(f"{where}: 'meaning' must be one line, with no blanks around it")
    out_ids = set()
    for o in doc.get("output", []):
        if not re.match(r"^[a-z][a-z-]*$", o.get("id", "")) or o["id"] in out_ids:
            problems.append(f"output '{o.get('id')}': a lower-case id, once")
        out_ids.add(o.get("id"))
        for x in o.get("one_of", []):
            if x not in ids:
                problems.append(f"output '{o.get('id')}': '{x}' is no object")
    spec_toml.exit_on(problems, SHOWN)
    return Spec(doc)
