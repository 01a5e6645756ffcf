"""The servers smtpcode probe is tested against, started inside the test's own
network, mount, PID and UTS namespaces (test_probe.py enters them): unbound
serving a zone of .test domains, one Postfix instance from a private
configuration directory with a listener per behaviour, postgrey for
greylisting, and small servers that Postfix cannot play (one that never answers, one
that sends 1 MB without a line end, one with hostile replies, one that knows
no EHLO, one whose connection queue is full).

Nothing here can reach another machine: the namespace has only its own
loopback interface. Everything lives on a tmpfs mounted in the namespace, and
every process dies with the namespace's first process, even on a crash.
"""

import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

# Addresses on the namespace's loopback (127.0.0.0/8 is local there).
DNS = "127.0.0.53"
DNS_ALT_PORT = 5300
MX_MAIN = "127.0.0.21"      # Postfix: mailboxes, a catch-all domain, a full mailbox, STARTTLS offered
MX_GREYLIST = "127.0.0.22"  # Postfix + postgrey
MX_BLOCKLIST = "127.0.0.23" # Postfix refusing clients listed in rbl.test
MX_BUSY = "127.0.0.24"      # Postfix answering 421 at connect
MX_TLS_ONLY = "127.0.0.25"  # Postfix requiring STARTTLS
MX_NO_TLS = "127.0.0.26"    # Postfix offering no STARTTLS
MX_LIMIT = "127.0.0.27"     # Postfix taking 2 recipients a transaction
MX_DOWN = "127.0.0.30"      # nothing listens: connection refused
MX_SILENT = "127.0.0.40"    # accepts, never says a word
MX_FLOOD = "127.0.0.41"     # accepts, sends 1 MB with no line end
MX_HOSTILE = "127.0.0.42"   # answers with control bytes and terminal escapes in its replies
MX_OLD = "127.0.0.43"       # does not understand EHLO, only HELO
MX_BACKLOG = "127.0.0.44"   # listens but never accepts: its queue is full, a connection is never made
POSTFIX_ADDRESSES = [MX_MAIN, MX_GREYLIST, MX_BLOCKLIST, MX_BUSY, MX_TLS_ONLY, MX_NO_TLS, MX_LIMIT]
POSTGREY = ("127.0.0.1", 10023)
GREYLIST_DELAY = 3  # postgrey --delay, seconds
HOSTNAME = "prober.smtpcode.test"

MAILBOXES = ["alice@exists.test", "full@exists.test", "alice@greylist.test", "bob@greylist.test",
             "carol@greylist.test", "dave@greylist.test", "alice@blocked.test", "alice@busy.test", "alice@backup.test", "alice@tls.test", "alice@notls.test",
             "alice@implicit.test", "alice@v6.test", "alice@limit.test", "bob@limit.test", "carol@limit.test"]

# Domains with one MX host each: domain -> the host's address.
ONE_MX = {"exists": MX_MAIN, "catchall": MX_MAIN, "greylist": MX_GREYLIST, "blocked": MX_BLOCKLIST,
          "busy": MX_BUSY, "tls": MX_TLS_ONLY, "notls": MX_NO_TLS, "silent": MX_SILENT, "flood": MX_FLOOD, "hostile": MX_HOSTILE, "limit": MX_LIMIT,
          "old": MX_OLD, "backlog": MX_BACKLOG}

ZONE = "".join(f"{d}.test. MX 10 mx.{d}.test.\nmx.{d}.test. A {a}\n" for d, a in ONE_MX.items()) + f"""
backup.test. MX 10 mx1.backup.test.
backup.test. MX 20 mx2.backup.test.
mx1.backup.test. A {MX_DOWN}
mx2.backup.test. A {MX_MAIN}
nullmx.test. MX 0 .
nomail.test. TXT "this domain has no mail host"
implicit.test. A {MX_MAIN}
lame.test. MX 10 nowhere.lame.test.
v6.test. MX 10 mx.v6.test.
mx.v6.test. AAAA ::1
badmx.test. MX 10 bad\\027[31mname.badmx.test.
{'.'.join(reversed(MX_BLOCKLIST.split('.')))}.rbl.test. A 127.0.0.2
"""


SMTPD = "inet  n  -  n  -  -  smtpd"
# The services of master.cf every instance needs besides its listeners.
MASTER_INTERNAL = """pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
"""


def wait_until(what, check, seconds, log=None):
    """Calls check() every 50 ms until it is true; fails after `seconds`."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.05)
    extra = ""
    if log and os.path.exists(log):
        with open(log, errors="replace") as f:
            extra = "\n" + f.read()[-4000:]
    raise RuntimeError(f"{what} did not start within {seconds} s{extra}")


def listening(host, port):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def dns_query(name, qtype=15, server=(DNS, 53)):
    """One DNS query over UDP; returns (rcode, answer count), or None on no answer."""
    qid = os.getpid() & 0xFFFF
    msg = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    msg += b"".join(bytes([len(p)]) + p.encode() for p in name.rstrip(".").split(".")) + b"\0"
    msg += struct.pack(">HH", qtype, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.5)
        try:
            s.sendto(msg, server)
            reply = s.recv(4096)
        except OSError:
            return None
    return reply[3] & 0x0F, struct.unpack(">H", reply[6:8])[0]


class SilentServer:
    """Accepts connections and never sends a byte."""

    def __init__(self, host, port=25):
        self.sock = socket.create_server((host, port))
        self.held = []
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)
            self.serve(conn)

    def serve(self, conn):
        pass


class FloodServer(SilentServer):
    """Accepts connections and sends 1 MB of text with no line end."""

    def serve(self, conn):
        threading.Thread(target=self.flood, args=(conn,), daemon=True).start()

    @staticmethod
    def flood(conn):
        data = b"220 " + b"x" * (1024 * 1024 - 4)
        sent = 0
        conn.settimeout(5)
        try:
            while sent < len(data):
                sent += conn.send(data[sent:sent + 65536])
        except OSError:
            pass


class ScriptedServer(SilentServer):
    """Answers each command line with reply(line), after GREETING."""

    GREETING = b"220 ready\r\n"

    def serve(self, conn):
        threading.Thread(target=self.talk, args=(conn,), daemon=True).start()

    def reply(self, line):
        return b"250 2.0.0 ok\r\n"

    def talk(self, conn):
        conn.settimeout(10)
        try:
            conn.sendall(self.GREETING)
            data = b""
            while True:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
                while b"\r\n" in data:
                    line, data = data.split(b"\r\n", 1)
                    conn.sendall(self.reply(line))
                    if line[:4].upper() == b"QUIT":
                        return
        except OSError:
            pass


class HostileServer(ScriptedServer):
    """A server whose replies hold what must never reach a terminal raw: an
    escape sequence, a window title, a bell, a NUL, a lone CR."""

    GREETING = b"220-hostile.test \x1b[31mred\r\n220 ready\r\n"
    REPLIES = {
        b"EHLO": b"250-hostile.test\x1b[2J\r\n250 8BITMIME\r\n",
        b"MAIL": b"250 2.1.0 ok\r\n",
        b"RCPT": b"550-5.1.1 \x1b]0;pwned\x07the mailbox\r\n550 5.1.1 is gone\x00 for\rgood\r\n",
        b"QUIT": b"221 2.0.0 bye\r\n",
    }

    def reply(self, line):
        return self.REPLIES.get(line[:4].upper(), b"250 2.0.0 ok\r\n")


class OldServer(ScriptedServer):
    """An RFC 821 server: EHLO is a command it does not know; alice@ is its
    only mailbox."""

    GREETING = b"220 mx.old.test SMTP\r\n"

    def reply(self, line):
        verb = line[:4].upper()
        if verb == b"EHLO":
            return b"500 Command unrecognized\r\n"
        if verb == b"RCPT":
            return b"250 Recipient ok\r\n" if b"<alice@" in line else b"550 No such user here\r\n"
        if verb == b"QUIT":
            return b"221 Closing\r\n"
        return b"250 Ok\r\n"


class BacklogServer:
    """Listens with a queue of one and never accepts; the test fills the
    queue, so the kernel drops every further connection attempt unanswered,
    as a filtered port does."""

    def __init__(self, host, port=25):
        self.sock = socket.socket()
        self.sock.bind((host, port))
        self.sock.listen(0)
        self.held = [socket.create_connection((host, port), timeout=5)]


class Servers:
    """The probe's servers. Another test may change what it starts: ADDRESSES
    (put on the loopback interface), ZONE (unbound's records), DIR and the
    Postfix configuration (start_postfix_instance)."""

    ADDRESSES = POSTFIX_ADDRESSES
    ZONE = ZONE
    DIR = "/run/smtpcode-probe-test"
    READY_NAME = "exists.test"  # a name with one MX record in ZONE: unbound answers

    def __init__(self, postfix_log_name="maillog"):
        self.dir = self.DIR
        self.procs = []
        self.fakes = []
        self.instances = []
        self.maillog = os.path.join(self.dir, postfix_log_name)

    # -- the namespace -------------------------------------------------------
    def namespace(self):
        run(["ip", "link", "set", "lo", "up"])
        for a in self.ADDRESSES + [DNS]:
            run(["ip", "addr", "add", a + "/32", "dev", "lo"])
        os.makedirs(self.dir, exist_ok=True)
        run(["mount", "-t", "tmpfs", "-o", "mode=0755,size=64m", "tmpfs", self.dir])
        # Postfix's own DNS lookups (the block list) go to the test's server:
        # through a resolv.conf of the namespace's own, or, on a machine with
        # none, through the C library's default, 127.0.0.1, where unbound
        # listens too.
        resolv = os.path.join(self.dir, "resolv.conf")
        write(resolv, f"nameserver {DNS}\noptions timeout:1 attempts:1\n")
        if os.path.exists("/etc/resolv.conf"):
            run(["mount", "--bind", resolv, "/etc/resolv.conf"])
        run(["hostname", HOSTNAME])

    # -- unbound -------------------------------------------------------------
    def start_unbound(self):
        d = os.path.join(self.dir, "unbound")
        os.makedirs(d)
        records = "".join(f'    local-data: "{line.strip()}"\n' if '"' not in line
                          else f"    local-data: '{line.strip()}'\n"
                          for line in self.ZONE.strip().splitlines() if line.strip())
        write(os.path.join(d, "unbound.conf"), f"""server:
    interface: {DNS}@53
    interface: {DNS}@{DNS_ALT_PORT}
    interface: 127.0.0.1@53
    do-ip6: no
    username: ""
    chroot: ""
    directory: "{d}"
    pidfile: "{d}/unbound.pid"
    use-syslog: no
    logfile: ""
    verbosity: 0
    access-control: 127.0.0.0/8 allow
    module-config: "iterator"
    # Nothing is looked up elsewhere: names outside the zone do not exist.
    local-zone: "." static
    local-zone: "test." static
{records}""")
        log = os.path.join(d, "unbound.log")
        self.spawn(["unbound", "-d", "-p", "-c", os.path.join(d, "unbound.conf")], log)
        return lambda: dns_query(self.READY_NAME) == (0, 1), log

    # -- postgrey ------------------------------------------------------------
    def start_postgrey(self):
        d = os.path.join(self.dir, "postgrey")
        os.makedirs(d)
        shutil.chown(d, "postgrey", "postgrey")
        log = os.path.join(self.dir, "postgrey.log")
        self.spawn(["postgrey", f"--inet={POSTGREY[0]}:{POSTGREY[1]}", f"--delay={GREYLIST_DELAY}",
                    f"--dbdir={d}", f"--pidfile={d}/postgrey.pid", "--auto-whitelist-clients=0"], log)
        return lambda: listening(*POSTGREY), log

    # -- postfix -------------------------------------------------------------
    def start_postfix(self):
        d = self.dir
        cfg = self.postfix_dirs("postfix", "queue", "data")
        run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-subj", "/CN=mx.tls.test", "-days", "2", "-keyout", f"{cfg}/key.pem", "-out", f"{cfg}/cert.pem"])
        write(f"{cfg}/mailboxes", "".join(f"{m} ok\n" for m in MAILBOXES))
        write(f"{cfg}/aliases", "@catchall.test alice@exists.test\n")
        # What a quota policy service answers for a full mailbox.
        write(f"{cfg}/recipient_access", "full@exists.test 452 4.2.2 Mailbox full\n")
        write(f"{cfg}/sender_access", "rejected@smtpcode.test REJECT Access denied\n")
        write(f"{cfg}/busy", "0.0.0.0/0 421 4.7.0 mx.busy.test is too busy, try again later\n")
        domains = sorted({m.split("@")[1] for m in MAILBOXES})
        main = f"""{self.postfix_common(d + "/queue", d + "/data", self.maillog)}
myhostname = mx.exists.test
mydomain = exists.test
mydestination =
myorigin = $myhostname
inet_interfaces = {', '.join(POSTFIX_ADDRESSES)}, [::1]
inet_protocols = all
mynetworks = 127.0.0.99/32
smtpd_banner = $myhostname ESMTP Postfix
smtpd_error_sleep_time = 0
smtpd_tls_security_level = may
smtpd_tls_cert_file = {cfg}/cert.pem
smtpd_tls_key_file = {cfg}/key.pem
virtual_mailbox_domains = {' '.join(domains)}
virtual_mailbox_maps = texthash:{cfg}/mailboxes
virtual_alias_domains = catchall.test
virtual_alias_maps = texthash:{cfg}/aliases
virtual_transport = discard:
smtpd_relay_restrictions = reject_unauth_destination
smtpd_recipient_restrictions = reject_unlisted_recipient, check_recipient_access texthash:{cfg}/recipient_access
smtpd_sender_restrictions = check_sender_access texthash:{cfg}/sender_access
"""
        smtpd = SMTPD
        self.start_postfix_instance(cfg, main, f"""{MX_MAIN}:smtp {smtpd}
[::1]:smtp {smtpd}
{MX_GREYLIST}:smtp {smtpd}
  -o {{ smtpd_recipient_restrictions = reject_unlisted_recipient, check_policy_service inet:{POSTGREY[0]}:{POSTGREY[1]} }}
{MX_BLOCKLIST}:smtp {smtpd}
  -o {{ smtpd_client_restrictions = reject_rbl_client rbl.test }}
{MX_BUSY}:smtp {smtpd}
  -o smtpd_delay_reject=no
  -o {{ smtpd_client_restrictions = check_client_access cidr:{cfg}/busy }}
{MX_TLS_ONLY}:smtp {smtpd}
  -o smtpd_tls_security_level=encrypt
{MX_NO_TLS}:smtp {smtpd}
  -o smtpd_tls_security_level=none
  -o smtputf8_enable=no
{MX_LIMIT}:smtp {smtpd}
  -o smtpd_recipient_limit=2
""")
        return lambda: all(listening(a, 25) for a in POSTFIX_ADDRESSES + ["::1"]), self.maillog

    def postfix_dirs(self, config, queue, data):
        """Makes an instance's configuration, queue and data directories under
        the test's tmpfs; returns the configuration directory."""
        for sub in (config, queue, data):
            os.makedirs(os.path.join(self.dir, sub))
        shutil.chown(os.path.join(self.dir, data), "postfix")
        return os.path.join(self.dir, config)

    def postfix_common(self, queue, data, maillog):
        """The main.cf lines every test instance starts with: its own queue
        and data directories, a log file of its own, no aliases, no biff."""
        return f"""compatibility_level = 3.6
queue_directory = {queue}
data_directory = {data}
mail_owner = postfix
setgid_group = postdrop
maillog_file_prefixes = {self.dir}
maillog_file = {maillog}
alias_maps =
alias_database =
biff = no"""

    def start_postfix_instance(self, cfg, main, services):
        """Writes main.cf and master.cf (the given listeners, then the
        services every instance needs) into cfg and starts the instance."""
        write(f"{cfg}/main.cf", main)
        write(f"{cfg}/master.cf", services + MASTER_INTERNAL)
        self.instances.append(cfg)
        log = cfg + "-start.log"
        with open(log, "w") as out:
            subprocess.run(["postfix", "-c", cfg, "start"], stdout=out, stderr=out, timeout=60, check=False)

    def spawn(self, argv, log):
        out = open(log, "w")
        self.procs.append((subprocess.Popen(argv, stdout=out, stderr=out), out))

    def start(self):
        self.namespace()
        self.fakes = [SilentServer(MX_SILENT), FloodServer(MX_FLOOD), HostileServer(MX_HOSTILE), OldServer(MX_OLD),
                      BacklogServer(MX_BACKLOG)]
        waits = [self.start_unbound(), self.start_postgrey(), self.start_postfix()]
        for i, (check, log) in enumerate(waits):
            wait_until(["unbound", "postgrey", "postfix"][i], check, 30, log)

    def stop(self):
        for cfg in self.instances:
            subprocess.run(["postfix", "-c", cfg, "abort"], capture_output=True, timeout=30, check=False)
        for p, out in self.procs:
            p.terminate()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
            out.close()

    def postfix_log(self):
        try:
            with open(self.maillog, errors="replace") as f:
                return f.read()
        except OSError:
            return ""


def run_in_namespaces(script, args, required, servers=("postfix", "postgrey", "unbound")):
    """Runs `script args --inside` again in network, mount, PID and UTS
    namespaces of its own and exits with its status. Where they or the
    servers cannot be had (no root, a tool missing), prints a TAP plan that
    skips the whole file with the reason, and exits 0, or 1 when `required`
    (CI, where the servers are installed)."""
    # the servers and ip(8) live in sbin, which a user's PATH may lack
    os.environ["PATH"] = os.environ.get("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin"
    missing = [t for t in ("unshare", "ip", *servers, "openssl") if not shutil.which(t)]
    if os.geteuid() != 0:
        missing.append("root (for the namespaces)")
    unshare = ["unshare", "--net", "--mount", "--pid", "--uts", "--fork", "--mount-proc", "--kill-child"]
    if not missing and subprocess.run(unshare + ["true"], capture_output=True, timeout=30).returncode != 0:
        missing.append("namespaces (unshare refused: a container without CAP_SYS_ADMIN?)")
    if missing:
        print(f"1..0 # SKIP needs {', '.join(missing)} (scripts/bootstrap test installs the servers)")
        sys.exit(1 if required else 0)
    child = subprocess.Popen(unshare + [sys.executable, os.path.abspath(script), *args, "--inside"])
    # A test runner that gives up on us ends the namespace, and with it every server.
    signal.signal(signal.SIGTERM, lambda *_: (child.kill(), sys.exit(1)))
    sys.exit(child.wait())


def run_among(started, shell_variable, body):
    """In the namespaces: starts the servers, runs body() (or, for people, the
    command in the environment variable shell_variable among them) and stops
    them; a failure to start is one failed TAP test."""
    try:
        started.start()
    except Exception as e:  # noqa: BLE001 - any failure to start is reported as one
        print("not ok 1 - the test servers started\n# " + str(e).replace("\n", "\n# "))
        print("1..1")
        sys.exit(1)
    try:
        if os.environ.get(shell_variable):
            sys.exit(subprocess.run(os.environ[shell_variable], shell=True).returncode)
        body()
    finally:
        started.stop()


def run(argv):
    subprocess.run(argv, check=True, capture_output=True, timeout=60)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
