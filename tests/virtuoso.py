"""A throwaway Virtuoso 7 (Debian's ``virtuoso-opensource``) for the push tests.

:class:`Virtuoso` makes a database in a folder of its own, listens on free ports of the
loopback interface only, replaces the default ``dba`` password with a random one, and is
stopped (and its folder left to pytest's tmp cleanup) when the tests end.
``python tests/virtuoso.py DIR`` runs one by hand until Ctrl-C, printing its endpoints.
"""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt") or shutil.which("isql-v")


def missing() -> str | None:
    """Why a Virtuoso cannot be started here, or None."""
    if not VIRTUOSO:
        return "virtuoso-t not found (apt-get install virtuoso-opensource; .ci/run installs it)"
    if not ISQL:
        return "isql-vt not found (apt-get install virtuoso-opensource; .ci/run installs it)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_INI = """\
[Database]
DatabaseFile    = {d}/virtuoso.db
ErrorLogFile    = {d}/virtuoso.log
LockFile        = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel   = 7
FileExtend      = 200
MaxCheckpointRemap = 2000
Striping        = 0
TempStorage     = TempDatabase

[TempDatabase]
DatabaseFile    = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping        = 0

[Parameters]
ServerPort         = 127.0.0.1:{sql}
DisableUnixSocket  = 1
DisableTcpSocket   = 0
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode           = 2
DirsAllowed        = .
NumberOfBuffers    = 10000
MaxDirtyBuffers    = 6000
ThreadsPerQuery    = 2

[HTTPServer]
ServerPort           = 127.0.0.1:{http}
ServerRoot           = {d}/vsp
MaxClientConnections = 10
ServerThreads        = 10
KeepAliveTimeout     = 10
Charset              = UTF-8
EnabledGzipContent   = 0

[SPARQL]
ResultSetMaxRows     = 100000
MaxQueryExecutionTime = 120
DefaultQuery         = select distinct ?Concept where {{[] a ?Concept}} LIMIT 100
"""


class Virtuoso:
    user = "dba"

    def __init__(self, folder: Path):
        self.dir = Path(folder)
        self.sql_port = _free_port()
        self.http_port = _free_port()
        self.password = "kg" + secrets.token_hex(10)  # letters and digits: isql takes it bare
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def gsp(self) -> str:
        """The Graph Store endpoint that asks for credentials (Digest)."""
        return self.base + "/sparql-graph-crud-auth"

    @property
    def sparql(self) -> str:
        return self.base + "/sparql"

    def log(self) -> str:
        try:
            return (self.dir / "virtuoso.log").read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def start(self, wait: float = 90.0) -> "Virtuoso":
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "vsp").mkdir(exist_ok=True)
        ini = self.dir / "virtuoso.ini"
        ini.write_text(_INI.format(d=self.dir, sql=self.sql_port, http=self.http_port), encoding="utf-8")
        self.proc = subprocess.Popen([VIRTUOSO, "+configfile", str(ini), "+foreground"], cwd=self.dir,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.monotonic() + wait
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited with {self.proc.returncode}: {self.log()}")
            try:
                with urllib.request.urlopen(self.sparql, timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"Virtuoso did not answer on {self.sparql} within {wait:.0f}s: {self.log()}")
            time.sleep(0.5)
        try:
            self._isql("dba", f"set password dba {self.password};")
        except BaseException:
            self.stop()
            raise
        return self

    def _isql(self, password: str, statement: str) -> None:
        out = subprocess.run([ISQL, f"127.0.0.1:{self.sql_port}", "dba", password, f"exec={statement}"],
                             capture_output=True, text=True, timeout=60)
        if out.returncode != 0 or "Error" in out.stdout + out.stderr:
            raise RuntimeError(f"isql: {(out.stdout + out.stderr).strip()[-500:]}")

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        """Shut the server down (SIGTERM: it checkpoints and exits), killing it if it hangs."""
        if not self.running():
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


if __name__ == "__main__":  # pragma: no cover - a manual aid
    import sys

    v = Virtuoso(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/kg-virtuoso")).start()
    print(f"Graph Store: {v.gsp}\nSPARQL: {v.sparql}\nuser dba, password {v.password}")
    try:
        v.proc.wait()
    except KeyboardInterrupt:
        v.stop()
