"""A throwaway PostgreSQL server with the extension just built, for the
tests and the benchmark: never the machine's own clusters or directories.

The server runs from a private copy of the installation's layout in a
temporary directory: the postgres binary is copied (PostgreSQL finds its
share and lib directories relative to its own path), everything else is
linked, and the extension's files are added beside the installation's own.
So CREATE EXTENSION smtpcode loads this build without installing anything.
initdb refuses to run as root, and CI runs as root: then the server runs as
an unprivileged user ("nobody" unless SMTPCODE_PG_USER names another) who
owns the temporary directory. The server listens on a Unix socket in that
directory only (no TCP at all), and stops when this process ends, however it
ends: at exit, on SIGTERM (meson's timeout), and through the kernel's parent-
death signal if this process is killed outright.
"""

import atexit
import ctypes
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time

PORT = 5433
SUPERUSER = "smtpcode"


def _on_parent_death():
    """In the server's process: an immediate shutdown when the test dies."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGQUIT)


def _sigterm(signum, frame):
    raise SystemExit(f"stopped by signal {signum}")


class Cluster:
    def __init__(self, pg_config, module, extension_files, settings=()):
        """pg_config: the installation's pg_config; module: smtpcode.so;
        extension_files: the control file and SQL scripts."""
        self.config = {k: subprocess.run([pg_config, f"--{k}"], capture_output=True, text=True,
                                         check=True).stdout.strip()
                       for k in ("bindir", "sharedir", "pkglibdir")}
        self.module, self.extension_files, self.settings = module, list(extension_files), list(settings)
        self.proc = self.tmp = None
        self.user = None
        if os.geteuid() == 0:
            self.user = pwd.getpwnam(os.environ.get("SMTPCODE_PG_USER", "nobody"))

    # -- the private installation -------------------------------------------------

    def _tree(self, path):
        """Where an installation directory is in the private copy."""
        return os.path.join(self.tmp, "install", path.lstrip("/"))

    def _link_all(self, src, dst, skip=()):
        os.makedirs(dst, exist_ok=True)
        for name in os.listdir(src):
            if name not in skip:
                os.symlink(os.path.join(src, name), os.path.join(dst, name))

    def _install(self):
        bindir = self._tree(self.config["bindir"])
        os.makedirs(bindir)
        shutil.copy2(os.path.join(self.config["bindir"], "postgres"), bindir)
        share = self._tree(self.config["sharedir"])
        self._link_all(self.config["sharedir"], share, skip={"extension"})
        self._link_all(os.path.join(self.config["sharedir"], "extension"), os.path.join(share, "extension"))
        for f in self.extension_files:
            shutil.copy(f, os.path.join(share, "extension"))
        lib = self._tree(self.config["pkglibdir"])
        self._link_all(self.config["pkglibdir"], lib, skip={os.path.basename(self.module)})
        shutil.copy(self.module, lib)
        return os.path.join(bindir, "postgres")

    # -- running it ---------------------------------------------------------------

    def _as_user(self):
        if not self.user:
            return {}
        return {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}

    def start(self, timeout=60):
        atexit.register(self.stop)
        signal.signal(signal.SIGTERM, _sigterm)
        self.tmp = tempfile.mkdtemp(prefix="smtpcode-pg-")
        os.chmod(self.tmp, 0o700)
        postgres = self._install()
        self.data = os.path.join(self.tmp, "data")
        self.socket = os.path.join(self.tmp, "socket")
        self.log = os.path.join(self.tmp, "server.log")
        os.mkdir(self.socket)
        if self.user:
            for root, dirs, files in os.walk(self.tmp):
                for name in [root] + [os.path.join(root, n) for n in dirs + files]:
                    os.lchown(name, self.user.pw_uid, self.user.pw_gid)
        env = dict(os.environ, LC_ALL="C", TZ="UTC")
        r = subprocess.run([os.path.join(self.config["bindir"], "initdb"), "-D", self.data, "-U", SUPERUSER,
                            "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions"],
                           capture_output=True, text=True, env=env, timeout=timeout, **self._as_user())
        if r.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{r.stdout}\n{r.stderr}")
        args = [postgres, "-D", self.data, "-k", self.socket, "-p", str(PORT), "-c", "listen_addresses=",
                "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off", "-c", "jit=off",
                "-c", "max_parallel_workers_per_gather=2", "-c", "max_worker_processes=8"]
        for s in self.settings:
            args += ["-c", s]
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                         env=env, preexec_fn=_on_parent_death, **self._as_user())
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server stopped while starting:\n{self.server_log()}")
            if os.path.exists(os.path.join(self.socket, f".s.PGSQL.{PORT}")) and \
                    self.psql("SELECT 1", check=False).returncode == 0:
                return self
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start in {timeout} s:\n{self.server_log()}")
            time.sleep(0.1)

    def stop(self):
        """Fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL;
        each wait bounded. Safe to call more than once."""
        if self.proc and self.proc.poll() is None:
            for sig, wait in ((signal.SIGINT, 30), (signal.SIGQUIT, 10), (signal.SIGKILL, 10)):
                self.proc.send_signal(sig)
                try:
                    self.proc.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        self.proc = None
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def server_log(self):
        try:
            with open(self.log, encoding="utf-8", errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return "(no server log)"

    # -- clients ------------------------------------------------------------------

    def client_args(self):
        """Connection options for psql and pg_regress."""
        return ["-h", self.socket, "-p", str(PORT), "-U", SUPERUSER]

    def psql(self, sql=None, db="postgres", args=(), check=True, timeout=600, input=None):
        """Runs psql -X with ON_ERROR_STOP: `sql` with -c, or `input` on
        standard input (bytes). Returns the CompletedProcess (text)."""
        cmd = [os.path.join(self.config["bindir"], "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
               *self.client_args(), "-d", db, *args]
        if sql is not None:
            cmd += ["-c", sql]
        r = subprocess.run(cmd, capture_output=True, input=input, timeout=timeout,
                           env=dict(os.environ, PGTZ="UTC", PGCLIENTENCODING="UTF8", LC_ALL="C"))
        r.stdout = r.stdout.decode("utf-8", "replace")
        r.stderr = r.stderr.decode("utf-8", "replace")
        if check and r.returncode != 0:
            raise RuntimeError(f"psql failed ({r.returncode}) on {sql or 'its input'!r:.300}:\n{r.stderr}")
        return r

    def rows(self, sql, db="postgres"):
        """The rows of a query, tab-separated fields, unaligned."""
        out = self.psql(sql, db=db, args=["-A", "-t", "-F", "\t"]).stdout
        return [line.split("\t") for line in out.splitlines()]
