"""The extension against a real, throwaway PostgreSQL server (pgcluster.py):
pg_regress with expected output (sql/, expected/), the same answers in SQL
as `smtpcode explain --json` for every sample in data/ and as `smtpcode
scan` for every test message, a parallel plan and its answers, the update
path, a database that is not UTF-8, and the README's "In PostgreSQL" session.

usage: test_postgres.py PG_CONFIG SMTPCODE DATADIR WORKDIR MODULE CONTROL SCRIPT...
"""

import json
import os
import re
import shutil
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path[:0] = [HERE, os.path.join(ROOT, "tests"), os.path.join(ROOT, "generator"),
                os.path.join(ROOT, "tests", "fuzz"), os.path.join(ROOT, "tests", "differential")]

import smtpcode_data  # noqa: E402
from pgcluster import Cluster  # noqa: E402

PG_CONFIG, SMTPCODE, DATADIR, WORKDIR, MODULE, CONTROL = sys.argv[1:7]
SCRIPTS = sys.argv[7:]
CLUSTER = Cluster(PG_CONFIG, MODULE, [CONTROL] + SCRIPTS)
VERSION = re.search(r"default_version = '([^']+)'", open(CONTROL).read()).group(1)

# The members of a classification record that SQL and the CLI both give.
RESULT_KEYS = ("code", "enhanced", "stage", "host", "vendor", "reason", "action", "bounce", "verdict", "decided_by",
               "matched", "carrier", "reply", "recipient", "queue_id", "timestamp", "log_status", "flags",
               "classified")


def setUpModule():
    os.makedirs(WORKDIR, exist_ok=True)
    CLUSTER.start()
    CLUSTER.psql("CREATE DATABASE smtpcode_test")
    CLUSTER.psql("CREATE EXTENSION smtpcode", db="smtpcode_test")


def tearDownModule():
    CLUSTER.stop()


def copy_rows(table, columns, rows, db="smtpcode_test"):
    """Loads rows into table(columns) through COPY FROM STDIN, any text
    escaped as COPY's text format wants; bytes (bytea) as hex."""
    def field(v):
        if v is None:
            return "\\N"
        if isinstance(v, bytes):
            return "\\\\x" + v.hex()
        v = str(v)
        return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    data = "".join("\t".join(field(v) for v in row) + "\n" for row in rows).encode("utf-8")
    CLUSTER.psql(None, db=db, args=["-c", f"COPY {table} ({', '.join(columns)}) FROM STDIN"], input=data)


def json_rows(sql, db="smtpcode_test"):
    """Rows of a query whose every row is (key, jsonb)."""
    return [(int(k) if k.isdigit() else k, json.loads(v)) for k, v in CLUSTER.rows(sql, db=db)]


def cli_json(*args):
    r = subprocess.run([SMTPCODE, *args], capture_output=True)
    return [json.loads(line) for line in r.stdout.splitlines()]


class Regression(unittest.TestCase):
    def test_pg_regress(self):
        """sql/*.sql against expected/*.out, run by PostgreSQL's pg_regress."""
        pgxs = subprocess.run([PG_CONFIG, "--pgxs"], capture_output=True, text=True, check=True).stdout.strip()
        pg_regress = os.path.join(os.path.dirname(pgxs), "..", "test", "regress", "pg_regress")
        bindir = CLUSTER.config["bindir"]
        out = os.path.join(WORKDIR, "regress")
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        tests = sorted(f[:-4] for f in os.listdir(os.path.join(HERE, "sql")) if f.endswith(".sql"))
        r = subprocess.run([pg_regress, f"--bindir={bindir}", f"--inputdir={HERE}",
                            f"--outputdir={out}", "--dbname=smtpcode_regress", "--load-extension=smtpcode",
                            "--host", CLUSTER.socket, "--port", str(CLUSTER.client_args()[3]),
                            "--user", CLUSTER.client_args()[5], *tests],
                           capture_output=True, text=True, timeout=300,
                           env=dict(os.environ, PGTZ="UTC", LC_ALL="C", PGCLIENTENCODING="UTF8"))
        diffs = os.path.join(out, "regression.diffs")
        detail = open(diffs).read()[:6000] if os.path.exists(diffs) else ""
        self.assertEqual(r.returncode, 0, f"{r.stdout}\n{r.stderr}\n{detail}")


class Differential(unittest.TestCase):
    """SQL gives what the CLI gives, member by member."""

    data = smtpcode_data.load(DATADIR)

    def compare(self, name, cases, cli_record):
        """cases: (text or bytes, stage, host); cli_record(case) -> the CLI's record."""
        table = f"diff_{name}"
        CLUSTER.psql(f"CREATE TABLE {table} (id int, reply text, raw bytea, stage text, host text)",
                     db="smtpcode_test")
        copy_rows(table, ["id", "reply", "raw", "stage", "host"],
                  [(i, c[0] if isinstance(c[0], str) else None, c[0] if isinstance(c[0], bytes) else None,
                    c[1], c[2]) for i, c in enumerate(cases)])
        got = dict(json_rows(f"SELECT id, smtpcode_classify_json(coalesce(raw, convert_to(reply, 'UTF8')), stage, "
                             f"host) FROM {table} ORDER BY id"))
        text_got = dict(json_rows(f"SELECT id, smtpcode_classify_json(reply, stage, host) FROM {table} "
                                  "WHERE reply IS NOT NULL ORDER BY id"))
        self.assertEqual(len(got), len(cases))
        differences = []
        for i, case in enumerate(cases):
            want = cli_record(case)
            for variant, record in (("bytea", got[i]), ("text", text_got.get(i))):
                if record is None:
                    continue
                keys = [k for k in RESULT_KEYS if record.get(k) != want.get(k)]
                if keys:
                    differences.append(f"{case[0]!r:.100} ({variant}): " + ", ".join(
                        f"{k}: SQL {record.get(k)!r:.80}, CLI {want.get(k)!r:.80}" for k in keys))
        if differences:
            self.fail(f"{len(differences)} differ; the first:\n" + "\n".join(differences[:10]))
        print(f"# {name}: {len(cases)} inputs, SQL = CLI", flush=True)

    def test_every_sample(self):
        """Every sample of data/samples/ as a bare reply (with and without the
        stage the data gives, with a host), and inside a Postfix log line."""
        cases = []
        for s in self.data.samples:
            reply = " ".join(str(x) for x in (s["code"], s["enhanced"]) if x) + " " + s["text"]
            cases.append((reply, None, None))
            cases.append((reply, s.get("stage", "").lower() or None, "mx.example.com"))
            cases.append((f"host mx.example.com[192.0.2.1] said: {reply} (in reply to RCPT TO command)", None, None))

        def cli(case):
            text, stage, host = case
            args = ["explain", "--json"] + (["--stage", stage] if stage else []) + (["--host", host] if host else [])
            return cli_json(*args, "--", text)[0]
        self.compare("samples", cases, cli)

    def test_readme_and_log_lines(self):
        """The replies the README explains, and every line of the log it scans."""
        with open(os.path.join(ROOT, "docs", "README.template.md"), encoding="utf-8") as f:
            readme = f.read()
        texts = re.findall(r"^\$ smtpcode (?:explain )?'([^']+)'$", readme, re.M)
        texts += re.findall(r"^\./bounce '([^']+)'$", readme, re.M)
        with open(os.path.join(ROOT, "tests", "data", "mail.log"), encoding="utf-8") as f:
            texts += [line.rstrip("\n") for line in f if line.strip()]
        self.assertGreater(len(texts), 5)
        self.compare("readme", [(t, None, None) for t in texts],
                     lambda case: cli_json("explain", "--json", "--", case[0])[0])

    def test_mutated_bytes(self):
        """Lines with any bytes (tests/differential/mutate.py): the bytea
        variant against scan's records, which write each bad byte as U+FFFD
        (and NUL as \\u0000, which text cannot hold: U+FFFD in SQL)."""
        from mutate import mutated_lines
        lines = mutated_lines(self.data, 3000, 20261206)
        path = os.path.join(WORKDIR, "mutated.txt")
        with open(path, "wb") as f:
            f.write(b"smtpcode differential check\n" + b"\n".join(lines) + b"\n")
        r = subprocess.run([SMTPCODE, "scan", "--all", "--format", "jsonl", path], capture_output=True)
        records = [json.loads(line) for line in r.stdout.splitlines()][1:]
        self.assertEqual(len(records), len(lines))

        def nul_free(v):
            return v.replace("\0", "\ufffd") if isinstance(v, str) else v
        by_line = {id(line): {k: nul_free(v) for k, v in rec.items()} for line, rec in zip(lines, records)}
        self.compare("mutated", [(line, None, None) for line in lines], lambda case: by_line[id(case[0])])

    def test_every_message(self):
        """Every test message (tests/data/messages/, tests/data/*.eml):
        smtpcode_message() against `smtpcode scan --dsn --format jsonl`."""
        names = sorted(os.path.join(d, f) for d in (os.path.join(ROOT, "tests", "data", "messages"),
                                                    os.path.join(ROOT, "tests", "data"))
                       for f in os.listdir(d) if f.endswith(".eml"))
        CLUSTER.psql("CREATE TABLE diff_messages (name text, body bytea)", db="smtpcode_test")
        copy_rows("diff_messages", ["name", "body"], [(n, open(n, "rb").read()) for n in names])
        sql = json_rows("SELECT m.name || ' ' || r.index, to_jsonb(r) FROM diff_messages m, "
                        "LATERAL smtpcode_message(m.body) r ORDER BY m.name, r.index")
        got = {}
        for key, record in sql:
            got.setdefault(key.rsplit(" ", 1)[0], []).append(record)
        records = 0
        for name in names:
            want = cli_json("scan", "--dsn", "--format", "jsonl", name)
            have = got.get(name, [])
            self.assertEqual(len(have), len(want), f"{name}: records")
            for h, w in zip(have, want):
                keys = [k for k in RESULT_KEYS + ("line", "dsn_action", "report", "feedback_type", "truncated")
                        if h.get(k) != w.get(k)]
                self.assertFalse(keys, f"{name} record {h['index']}: " + ", ".join(
                    f"{k}: SQL {h.get(k)!r:.80}, CLI {w.get(k)!r:.80}" for k in keys))
                records += 1
        self.assertGreater(records, len(names))
        print(f"# messages: {len(names)} messages, {records} records, SQL = CLI", flush=True)

    def test_lookups(self):
        """smtpcode_basic() and smtpcode_enhanced() against smtpcode --json CODE."""
        basics = [str(b["code"]) for b in self.data.basic] + ["599", "299", "459"]
        enhanced = []
        for e in self.data.enhanced:
            enhanced += [e["code"]] + [f"{c}{e['code'][1:]}" for c in "245" if e["code"].startswith("X.")]
        enhanced += ["5.7.606", "4.9.9", "5.X.X", "X.7.X", "5.1.X"]
        want = {r["query"]: r for r in cli_json("--json", *basics, *enhanced)}
        got = dict(json_rows("SELECT code::text, to_jsonb(smtpcode_basic(code)) FROM unnest(ARRAY[%s]) code"
                             % ",".join(basics)))
        got.update(json_rows("SELECT q, to_jsonb(smtpcode_enhanced(q)) FROM unnest(ARRAY[%s]) q"
                             % ",".join(f"'{q}'" for q in enhanced)))
        got = {str(k): v for k, v in got.items()}
        self.assertEqual(len(got), len(set(basics + enhanced)))
        differences = []
        for query, record in got.items():
            w = dict(want[query], code=want[query]["code"] if query in enhanced else int(want[query]["code"]))
            keys = [k for k in record if k in w and record[k] != w[k]]
            if keys:
                differences.append(f"{query}: " + ", ".join(f"{k}: SQL {record[k]!r:.60}, CLI {w[k]!r:.60}"
                                                            for k in keys))
        self.assertFalse(differences, "\n".join(differences[:10]))
        print(f"# lookups: {len(got)} codes, SQL = CLI", flush=True)


class Parallel(unittest.TestCase):
    """A classification over a large table runs in parallel workers when
    they are allowed, and gives the same counts as without them."""

    QUERY = "SELECT (smtpcode_classify(reply)).reason, count(*) FROM big GROUP BY 1 ORDER BY 1"

    @classmethod
    def setUpClass(cls):
        data = smtpcode_data.load(DATADIR)
        replies = [" ".join(str(x) for x in (s["code"], s["enhanced"]) if x) + " " + s["text"] for s in data.samples]
        CLUSTER.psql("CREATE TABLE samples (id int, reply text)", db="smtpcode_test")
        copy_rows("samples", ["id", "reply"], list(enumerate(replies)))
        # About 40 MB: several times min_parallel_table_scan_size (8 MB).
        CLUSTER.psql("CREATE TABLE big AS SELECT s.reply || ' #' || g AS reply FROM samples s, "
                     "generate_series(1, 400) g; ANALYZE big", db="smtpcode_test")

    def plan(self, workers, analyze=False):
        return CLUSTER.psql(f"SET max_parallel_workers_per_gather = {workers}; EXPLAIN "
                            f"({'ANALYZE, ' if analyze else ''}COSTS OFF) {self.QUERY}",
                            db="smtpcode_test", args=["-A", "-t"]).stdout

    def test_parallel_plan(self):
        plan = self.plan(2)
        self.assertIn("Gather", plan)
        self.assertIn("Workers Planned: 2", plan)
        self.assertIn("Parallel Seq Scan on big", plan)
        self.assertIn("Workers Launched: 2", self.plan(2, analyze=True))
        self.assertNotIn("Gather", self.plan(0))

    def test_same_answers(self):
        serial = CLUSTER.psql(f"SET max_parallel_workers_per_gather = 0; {self.QUERY}", db="smtpcode_test").stdout
        parallel = CLUSTER.psql(f"SET max_parallel_workers_per_gather = 2; {self.QUERY}", db="smtpcode_test").stdout
        self.assertEqual(serial, parallel)
        self.assertIn("user-unknown", serial)


class Update(unittest.TestCase):
    def catalog(self, db):
        """What the extension defines: enum labels in order, functions with
        their properties and bodies, row types."""
        return CLUSTER.rows("""
            SELECT 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
            FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid WHERE t.typname LIKE 'smtpcode%' GROUP BY t.typname
            UNION ALL
            SELECT 'function ' || p.oid::regprocedure || ' ' || pg_get_function_result(p.oid) || ' '
                   || p.provolatile::text || p.proparallel::text || p.proisstrict::text || ' ' || p.procost || ' ' || p.prorows
                   || ' ' || coalesce(p.prosrc, '') || ' ' || coalesce(obj_description(p.oid, 'pg_proc'), '')
            FROM pg_proc p WHERE p.proname LIKE 'smtpcode%'
            UNION ALL
            SELECT 'type ' || c.relname || ' ' || string_agg(a.attname || ':' || format_type(a.atttypid, a.atttypmod),
                                                            ',' ORDER BY a.attnum)
            FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
            WHERE c.relkind = 'c' AND c.relname LIKE 'smtpcode%' AND a.attnum > 0 GROUP BY c.relname
            ORDER BY 1""", db=db)

    def test_update_path(self):
        """Every released version has an update path to this one; and an
        update script made by gen_sql.py, run on an install that lacks labels
        the data has since gained, gives exactly a fresh install."""
        with open(os.path.join(ROOT, "postgres", "versions.txt"), encoding="utf-8") as f:
            released = [v.strip() for v in f if v.strip() and not v.startswith("#")]
        self.assertEqual(released[0], "0.1.0")
        paths = CLUSTER.rows(f"SELECT source, target, path FROM pg_extension_update_paths('smtpcode') "
                             f"WHERE target = '{VERSION}' AND path IS NOT NULL", db="smtpcode_test")
        reachable = {p[0] for p in paths} | {VERSION}
        self.assertFalse(set(released) - reachable, f"no update path to {VERSION} from {set(released) - reachable}")

        # A made-up older version: this version's script without two labels.
        share = os.path.join(CLUSTER._tree(CLUSTER.config["sharedir"]), "extension")
        install = next(s for s in SCRIPTS if os.path.basename(s) == f"smtpcode--{VERSION}.sql")
        old = "0.0.0~test"
        with open(install, encoding="utf-8") as f:
            script = f.read()
        older = script.replace("'mailbox-full', ", "").replace(", 'fix-dns'", "")
        self.assertNotEqual(older, script)
        with open(os.path.join(share, f"smtpcode--{old}.sql"), "w", encoding="utf-8") as f:
            f.write(older)
        update = subprocess.run([sys.executable, os.path.join(ROOT, "postgres", "gen_sql.py"),
                                 os.path.join(ROOT, "postgres", "smtpcode.sql.in"), DATADIR, VERSION, "--from", old],
                                capture_output=True, text=True, check=True).stdout
        with open(os.path.join(share, f"smtpcode--{old}--{VERSION}.sql"), "w", encoding="utf-8") as f:
            f.write(update)
        try:
            CLUSTER.psql("CREATE DATABASE updated")
            CLUSTER.psql(f"CREATE EXTENSION smtpcode VERSION '{old}'", db="updated")
            self.assertNotEqual(self.catalog("updated"), self.catalog("smtpcode_test"))
            CLUSTER.psql("ALTER EXTENSION smtpcode UPDATE", db="updated")
            self.assertEqual(self.catalog("updated"), self.catalog("smtpcode_test"))
            self.assertEqual(CLUSTER.rows("SELECT extversion FROM pg_extension WHERE extname = 'smtpcode'",
                                          db="updated"), [[VERSION]])
            self.assertEqual(CLUSTER.rows("SELECT (smtpcode_classify('552 5.2.2 over quota')).reason",
                                          db="updated"), [["mailbox-full"]])
        finally:
            CLUSTER.psql("DROP DATABASE IF EXISTS updated", check=False)
            for name in (f"smtpcode--{old}.sql", f"smtpcode--{old}--{VERSION}.sql"):
                os.remove(os.path.join(share, name))


class Encodings(unittest.TestCase):
    def test_latin1_database(self):
        """In a LATIN1 database the text is converted both ways."""
        CLUSTER.psql("CREATE DATABASE latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0")
        try:
            CLUSTER.psql("CREATE EXTENSION smtpcode", db="latin1")
            rows = CLUSTER.rows("SELECT reason, reply, matched FROM smtpcode_classify("
                                "'550 5.2.2 Boîte aux lettres pleine: quota dépassé')", db="latin1")
            self.assertEqual(rows[0][1], "550 5.2.2 Boîte aux lettres pleine: quota dépassé")
            self.assertEqual(rows[0][0], "mailbox-full")
            rows = CLUSTER.rows(r"SELECT reply FROM smtpcode_classify('\x353530206bc3b66e6e74656e20ff'::bytea)",
                                db="latin1")
            self.assertEqual(rows, [["550 könnten ?"]], "a bad byte is '?' where the encoding has no U+FFFD")
        finally:
            CLUSTER.psql("DROP DATABASE IF EXISTS latin1", check=False)


class Readme(unittest.TestCase):
    def test_in_postgresql_section(self):
        """Each statement of the README's "In PostgreSQL" session (a line
        that starts with `=> `, continued by `-> ` lines) gives the output
        shown after it, as psql prints it."""
        with open(os.path.join(ROOT, "docs", "README.template.md"), encoding="utf-8") as f:
            readme = f.read()
        section = readme[readme.index("## In PostgreSQL"):]
        section = section[:section.index("\n## ", 4)]
        blocks = re.findall(r"```\n(=> .*?)```", section, re.S)
        self.assertTrue(blocks, "no psql session in the README's In PostgreSQL section")
        CLUSTER.psql("CREATE DATABASE readme")
        try:
            checked = 0
            for block in blocks:
                steps = re.split(r"^=> ", block, flags=re.M)[1:]
                for step in steps:
                    lines = step.split("\n")
                    sql = [lines[0]]
                    i = 1
                    while i < len(lines) and lines[i].startswith("-> "):
                        sql.append(lines[i][3:])
                        i += 1
                    shown = "\n".join(lines[i:]).rstrip("\n")
                    out = CLUSTER.psql("\n".join(sql), db="readme", args=["-P", "pager=off"]).stdout
                    out = "\n".join(line.rstrip() for line in out.rstrip("\n").split("\n"))
                    self.assertEqual(out, shown, f"README: {' '.join(sql)}")
                    checked += 1
            print(f"# README: {checked} statements give what the README shows", flush=True)
        finally:
            CLUSTER.psql("DROP DATABASE IF EXISTS readme", check=False)


if __name__ == "__main__":
    from tap import main
    main()
