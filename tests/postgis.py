"""A real PostgreSQL + PostGIS server for the tests: Debian's packages (`postgresql`, `postgis`),
`initdb` in a temporary folder, a free port on 127.0.0.1, stopped at the end. As root (CI, this
machine) every server command runs as the `postgres` user (`runuser -u postgres`), since
PostgreSQL refuses to run as root.

    server = PostgisServer.start()
    url = server.new_database()      # a fresh database with the postgis extension
    server.stop("immediate")         # as a crash would; server.restart() brings it back
    server.close()                   # stop and remove the folder
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

TEMPLATE = "parkatlas_template"
_counter = itertools.count(1)


def pg_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian: /usr/lib/postgresql/<major>/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name))
    return Path(found[-1]).parent if found else None


def has_postgis() -> bool:
    """Whether the PostGIS extension files are installed for that PostgreSQL."""
    binary = pg_bin()
    if binary is None:
        return False
    major = binary.parent.name
    return bool(glob.glob(f"/usr/share/postgresql/{major}/extension/postgis.control"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PostgisServer:
    """A throwaway PostgreSQL server with PostGIS (see the module docstring)."""

    folder: Path
    port: int
    binary: Path

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def _as_server_user(self, *cmd: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        args = [str(self.binary / cmd[0]), *cmd[1:]]
        if os.geteuid() == 0:
            args = ["runuser", "-u", "postgres", "--", *args]
        return subprocess.run(args, capture_output=True, text=True, check=check, timeout=timeout)

    @classmethod
    def start(cls) -> PostgisServer:
        binary = pg_bin()
        if binary is None or not has_postgis():
            raise RuntimeError("PostgreSQL with PostGIS is not installed (apt-get install postgresql postgis)")
        folder = Path(tempfile.mkdtemp(prefix="parkatlas-pg-"))
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        server = cls(folder, _free_port(), binary)
        server._as_server_user("initdb", "-D", str(server.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                               "--locale=C.UTF-8")
        server.restart()
        server.psql("postgres", f"CREATE DATABASE {TEMPLATE}")
        server.psql(TEMPLATE, "CREATE EXTENSION postgis")
        return server

    def restart(self) -> None:
        """Start the server (again) and wait until it accepts connections."""
        self._as_server_user("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w", "-t", "60",
                             "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=on", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; mode "immediate" stops it as a crash would (no checkpoint)."""
        self._as_server_user("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def psql(self, database: str, sql: str) -> str:
        out = subprocess.run([str(self.binary / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                              "-d", database, "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
                             capture_output=True, text=True, check=True, timeout=120)
        return out.stdout.strip()

    def new_database(self, template: str = TEMPLATE) -> str:
        """A fresh database copied from `template` (by default an empty one with PostGIS): fast.
        Returns its SQLAlchemy URL."""
        name = f"t{os.getpid()}_{next(_counter)}"
        self.psql("postgres", f"CREATE DATABASE {name} TEMPLATE {template}")
        return self.url(name)

    def seeded_template(self) -> str:
        """The name of a database holding a workspace seeded from the bundled data (made once),
        to copy with `new_database(template=...)`."""
        if getattr(self, "_seeded", None) is None:
            from store import open_workspace

            url = self.new_database()
            open_workspace(url, user="seed").engine.dispose()
            self._seeded = url.rsplit("/", 1)[1]
        return self._seeded

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def close(self) -> None:
        self.stop("fast")
        for _ in range(20):
            try:
                shutil.rmtree(self.folder)
                return
            except OSError:
                time.sleep(0.25)
