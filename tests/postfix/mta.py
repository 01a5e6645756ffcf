"""Two real Postfix instances for test_postfix_replies.py, started inside the
test's own namespaces with the probe test's machinery (tests/probe/servers.py):

- "rx", the receiver: a listener per behaviour on 127.0.1.x (master.cf
  services with -o overrides), each refusing in one of the ways a sender
  meets in the wild, plus postscreen and postgrey;
- "tx", the sender: no listener; mail submitted with sendmail(1) goes out
  through its smtp(8) client to the rx listeners, a closed port, a server that
  never answers and domains that do not resolve, and its log records what
  happened to every recipient.

Client sessions come from 127.0.2.x, so that each test that depends on the
client's address (reverse DNS, a block list, anvil's counters) has its own.
"""

import os
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "probe"))

import servers  # noqa: E402
from servers import POSTGREY, SMTPD, write  # noqa: E402

# rx listeners: name -> address
RX = {name: f"127.0.1.{i}" for i, name in enumerate(
    ["main", "helo", "rdns", "rdns5", "rbl", "grey", "limit", "connrate", "msgrate", "busy", "postscreen",
     "rcptrate", "loop", "domains", "domains5", "localopen", "noutf8", "count", "sync"], start=1)}
# client addresses of the sessions the test opens itself
CLIENT = {name: f"127.0.2.{i}" for i, name in enumerate(
    ["good", "noptr", "listed", "connrate", "msgrate", "rcptrate", "count", "reject", "defer", "custom", "busy",
     "psdnsbl", "pspregreet", "other"], start=1)}
TX_ADDRESS = "127.0.3.1"  # tx's only interface: what its smtp(8) client calls "myself"
MX_DOWN = "127.0.3.30"    # nothing listens: connection refused
MX_SILENT = "127.0.3.40"  # accepts, never says a word
TX_HOSTNAME = "tx.smtpcode.test"
TX_LIFETIME = 8  # seconds tx keeps a message it cannot deliver


def reverse(address):
    return ".".join(reversed(address.split("."))) + ".in-addr.arpa."


def rbl(address):
    return ".".join(reversed(address.split(".")))


# Domains whose one MX host is an rx listener (or one of the test's dead ends).
MX = {"vmail": RX["main"], "alias": RX["main"], "local": RX["main"], "elsewhere": RX["main"],
      "grey": RX["grey"], "rbl": RX["rbl"], "busy": RX["busy"], "loop2": RX["loop"], "down": MX_DOWN,
      "silent": MX_SILENT, "loop": TX_ADDRESS, "exists": RX["main"], "sender": RX["main"], "spammy": RX["main"]}

ZONE = "".join(f"{d}.test. MX 10 mx.{d}.test.\nmx.{d}.test. A {a}\n" for d, a in MX.items()) + f"""
nomail.test. TXT "this domain has no mail host"
{reverse(CLIENT['good'])} PTR client.smtpcode.test.
client.smtpcode.test. A {CLIENT['good']}
{TX_HOSTNAME}. A {TX_ADDRESS}
{rbl(CLIENT['listed'])}.rbl.test. A 127.0.0.2
{rbl(CLIENT['psdnsbl'])}.rbl.test. A 127.0.0.2
{rbl(RX['rbl'])}.rbl.test. A 127.0.0.2
{rbl(RX['rbl'])}.rbl.test. TXT "Listed in the test block list, see http://rbl.test/lookup"
spammy.test.dbl.test. A 127.0.1.2
"""

# Mailboxes of virtual(8), the path of each under virtual_mailbox_base: the
# local parts the access maps below refuse exist too, so that the maps, not
# reject_unlisted_recipient, answer for them.
MAILBOXES = {f"{user}@{domain}.test": f"{domain}/{user}" for user, domain in [
    ("alice", "vmail"), ("bob", "vmail"), ("full", "vmail"), ("blocked", "vmail"), ("disabled", "vmail"),
    ("gone", "vmail"), ("quota", "vmail"), ("later", "vmail"), ("moving", "vmail"), ("moved", "vmail"),
    ("alice", "grey"), ("alice", "rbl"), ("alice", "busy"), ("alice", "loop2")]}
SIZE_LIMIT = 10240  # rx: message_size_limit and virtual_mailbox_limit, bytes

RECIPIENT_ACCESS = """blocked@vmail.test REJECT
disabled@vmail.test REJECT This mailbox has been disabled
gone@vmail.test 550 5.1.1 No such mailbox here
quota@vmail.test 452 4.2.2 Mailbox full, try again later
later@vmail.test DEFER
moving@vmail.test DEFER Mailbox is being migrated, try again later
moved@vmail.test 551 5.1.6 User has moved; please try <alice@vmail.test>
"""
SENDER_ACCESS = """banned@sender.test REJECT
held@sender.test DEFER
spammer.test 550 5.7.1 Mail from this domain is not accepted here
"""
CLIENT_ACCESS = f"""{CLIENT['reject']} REJECT
{CLIENT['defer']} DEFER
{CLIENT['custom']} 550 5.7.1 Your network may not send mail here
"""
BUSY_ACCESS = "".join(f"{a} 421 4.7.0 mx.busy.test is too busy, try again later\n" for a in (CLIENT["busy"], RX["busy"]))
HEADER_CHECKS = r"""/^X-Test-Verdict: default/ REJECT
/^X-Test-Verdict: spam/ REJECT Message looks like spam to our filter
/^Content-Type:.*name=.*\.exe/ REJECT Executable attachments are not accepted
"""
BODY_CHECKS = r"""/^Forbidden body line/ REJECT
/^Cheap pills/ REJECT Spam content detected
"""


class Mta(servers.Servers):
    ADDRESSES = list(RX.values()) + list(CLIENT.values()) + [TX_ADDRESS, MX_DOWN, MX_SILENT]
    ZONE = ZONE
    DIR = "/run/smtpcode-postfix-test"
    READY_NAME = "vmail.test"

    def __init__(self):
        super().__init__("rx.log")
        self.rx = os.path.join(self.dir, "rx")
        self.tx = os.path.join(self.dir, "tx")
        self.txlog = os.path.join(self.dir, "tx.log")

    def start(self):
        self.namespace()
        self.fakes = [servers.SilentServer(MX_SILENT)]
        waits = [self.start_unbound(), self.start_postgrey(), self.start_rx(), self.start_tx()]
        for name, (check, log) in zip(["unbound", "postgrey", "postfix rx", "postfix tx"], waits):
            servers.wait_until(name, check, 30, log)

    def start_rx(self):
        d, cfg = self.dir, self.postfix_dirs("rx", "rx-queue", "rx-data")
        vmail = os.path.join(d, "vmail")
        for path in MAILBOXES.values():
            os.makedirs(os.path.dirname(os.path.join(vmail, path)), exist_ok=True)
        # a mailbox already over virtual_mailbox_limit: the next delivery fails with EFBIG
        write(os.path.join(vmail, "vmail", "full"), "From x\n" + "x" * (SIZE_LIMIT + 100) + "\n")
        for root, dirs, files in os.walk(vmail):
            for n in dirs + files:
                os.chown(os.path.join(root, n), 65534, 65534)
        write(f"{cfg}/mailboxes", "".join(f"{a} {p}\n" for a, p in MAILBOXES.items()))
        write(f"{cfg}/aliases", "info@alias.test alice@vmail.test\n")
        write(f"{cfg}/recipient_access", RECIPIENT_ACCESS)
        write(f"{cfg}/sender_access", SENDER_ACCESS)
        write(f"{cfg}/client_access", CLIENT_ACCESS)
        write(f"{cfg}/busy", BUSY_ACCESS)
        write(f"{cfg}/header_checks", HEADER_CHECKS)
        write(f"{cfg}/body_checks", BODY_CHECKS)
        main = f"""{self.postfix_common(d + "/rx-queue", d + "/rx-data", self.maillog)}
myhostname = mx.main.test
mydomain = main.test
mydestination = local.test
local_recipient_maps = proxy:unix:passwd.byname
inet_interfaces = {', '.join(RX.values())}
inet_protocols = ipv4
mynetworks = 127.0.0.99/32
smtpd_banner = $myhostname ESMTP Postfix
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 100
smtpd_hard_error_limit = 100
message_size_limit = {SIZE_LIMIT}
virtual_mailbox_limit = {SIZE_LIMIT}
virtual_mailbox_domains = {' '.join(sorted({a.split('@')[1] for a in MAILBOXES}))}
virtual_mailbox_base = {vmail}
virtual_mailbox_maps = texthash:{cfg}/mailboxes
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
virtual_alias_domains = alias.test
virtual_alias_maps = texthash:{cfg}/aliases
# what rx sends itself (bounces of what it took) goes nowhere
default_transport = discard:
relay_transport = discard:
header_checks = regexp:{cfg}/header_checks
body_checks = regexp:{cfg}/body_checks
smtpd_relay_restrictions = reject_unauth_destination
smtpd_client_restrictions = check_client_access cidr:{cfg}/client_access
smtpd_sender_restrictions = check_sender_access texthash:{cfg}/sender_access
smtpd_recipient_restrictions = reject_unlisted_recipient, check_recipient_access texthash:{cfg}/recipient_access
postscreen_greet_wait = 1s
postscreen_dnsbl_sites = rbl.test
postscreen_dnsbl_action = enforce
postscreen_greet_action = enforce
"""
        s = SMTPD
        self.start_postfix_instance(cfg, main, f"""{RX['main']}:smtp {s}
{RX['helo']}:smtp {s}
  -o smtpd_helo_required=yes
  -o {{ smtpd_helo_restrictions = reject_invalid_helo_hostname, reject_non_fqdn_helo_hostname, reject_unknown_helo_hostname }}
{RX['rdns']}:smtp {s}
  -o {{ smtpd_client_restrictions = reject_unknown_client_hostname }}
{RX['rdns5']}:smtp {s}
  -o unknown_client_reject_code=550
  -o {{ smtpd_client_restrictions = reject_unknown_reverse_client_hostname }}
{RX['rbl']}:smtp {s}
  -o {{ smtpd_client_restrictions = reject_rbl_client rbl.test }}
  -o {{ smtpd_sender_restrictions = reject_rhsbl_sender dbl.test }}
{RX['grey']}:smtp {s}
  -o {{ smtpd_recipient_restrictions = reject_unlisted_recipient, check_policy_service inet:{POSTGREY[0]}:{POSTGREY[1]} }}
{RX['limit']}:smtp {s}
  -o smtpd_recipient_limit=2
{RX['connrate']}:smtp {s}
  -o smtpd_client_connection_rate_limit=1
{RX['msgrate']}:smtp {s}
  -o smtpd_client_message_rate_limit=1
{RX['rcptrate']}:smtp {s}
  -o smtpd_client_recipient_rate_limit=1
{RX['count']}:smtp {s}
  -o smtpd_client_connection_count_limit=1
{RX['busy']}:smtp {s}
  -o smtpd_delay_reject=no
  -o {{ smtpd_client_restrictions = check_client_access cidr:{cfg}/busy }}
{RX['loop']}:smtp {s}
  -o myhostname={TX_HOSTNAME}
{RX['domains']}:smtp {s}
  -o {{ smtpd_sender_restrictions = reject_non_fqdn_sender, reject_unknown_sender_domain }}
  -o {{ smtpd_relay_restrictions = reject_non_fqdn_recipient, reject_unknown_recipient_domain, reject_unauth_destination }}
{RX['domains5']}:smtp {s}
  -o unknown_address_reject_code=550
  -o {{ smtpd_sender_restrictions = reject_unknown_sender_domain }}
  -o {{ smtpd_relay_restrictions = reject_unknown_recipient_domain, reject_unauth_destination }}
{RX['localopen']}:smtp {s}
  -o local_recipient_maps=
{RX['noutf8']}:smtp {s}
  -o smtputf8_enable=no
{RX['sync']}:smtp {s}
  -o smtpd_forbid_unauth_pipelining=yes
{RX['postscreen']}:smtp inet n - n - 1 postscreen
smtpd     pass  -       -       n       -       -       smtpd
dnsblog   unix  -       -       n       -       0       dnsblog
tlsproxy  unix  -       -       n       -       0       tlsproxy
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
""")
        return lambda: all(servers.listening(a, 25) for a in RX.values()), self.maillog

    def start_tx(self):
        d, cfg = self.dir, self.postfix_dirs("tx", "tx-queue", "tx-data")
        main = f"""{self.postfix_common(d + "/tx-queue", d + "/tx-data", self.txlog)}
myhostname = {TX_HOSTNAME}
mydomain = smtpcode.test
mydestination = $myhostname
# bounces tx sends its own senders are dropped
local_transport = discard:
inet_interfaces = {TX_ADDRESS}
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
message_size_limit = {SIZE_LIMIT * 4}
smtp_connect_timeout = 2s
smtp_helo_timeout = 2s
smtp_mail_timeout = 2s
smtp_rcpt_timeout = 2s
smtp_data_init_timeout = 2s
smtp_data_done_timeout = 2s
smtp_tls_security_level = none
# one connection at a time to a destination: after a failed one, qmgr
# suspends it for the rest of the queue
initial_destination_concurrency = 1
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
maximal_queue_lifetime = {TX_LIFETIME}s
bounce_queue_lifetime = {TX_LIFETIME}s
"""
        self.start_postfix_instance(cfg, main, f"""smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
""")
        return lambda: os.path.exists(os.path.join(d, "tx-queue", "pid", "master.pid")), self.txlog

    # -- what the test does with them ----------------------------------------
    def send(self, recipients, body="Subject: test\n\nhello\n", sender="sender@" + TX_HOSTNAME):
        """Submits a message to tx with sendmail(1)."""
        subprocess.run(["sendmail", "-C", self.tx, "-f", sender, "-i", *recipients], input=body.encode(),
                       check=True, timeout=30, capture_output=True)

    def flush(self):
        subprocess.run(["postqueue", "-c", self.tx, "-f"], check=False, timeout=30, capture_output=True)

    def tx_queue_empty(self):
        r = subprocess.run(["postqueue", "-c", self.tx, "-j"], capture_output=True, timeout=30, text=True)
        return r.stdout.strip() == ""

    def read(self, which):
        try:
            with open(self.txlog if which == "tx" else self.maillog, errors="replace") as f:
                return f.read()
        except OSError:
            return ""



class Session:
    """An SMTP session over a plain socket: every reply exactly as sent
    (lines of a multi-line reply joined by a space, as a log line shows them)."""

    def __init__(self, host, source, port=25, timeout=5, greet=True):
        self.sock = socket.create_connection((host, port), timeout=timeout, source_address=(source, 0))
        self.buf = b""
        self.greeting = self.reply() if greet else None

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode("utf-8", "replace")

    def reply(self):
        lines = [self.line()]
        while len(lines[-1]) > 3 and lines[-1][3] == "-":
            lines.append(self.line())
        return " ".join(lines)

    def replies(self):
        """Every reply until the server hangs up."""
        out = []
        try:
            while True:
                out.append(self.reply())
        except (ConnectionError, TimeoutError):
            return out

    def send(self, data):
        self.sock.sendall(data.encode("utf-8") if isinstance(data, str) else data)

    def cmd(self, line):
        self.send(line + "\r\n")
        return self.reply()

    def close(self):
        try:
            self.sock.sendall(b"QUIT\r\n")
        except OSError:
            pass
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def wait_for(check, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.1)
    return False

