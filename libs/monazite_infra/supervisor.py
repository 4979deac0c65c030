"""Child processes that stay up: started, watched, restarted with back-off, stopped in order."""

from __future__ import annotations

import logging
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from monazite_infra.devstack import die_with_parent, stop_process

log = logging.getLogger("monazite.supervisor")


@dataclass
class Child:
    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    _next_start: float = 0.0

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log_file:
            self.process = subprocess.Popen(
                self.argv,
                env=self.env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C reaches `up` only, which stops children in order
                preexec_fn=die_with_parent,
            )

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class Supervisor:
    children: list[Child] = field(default_factory=list)

    def start_all(self) -> None:
        for child in self.children:
            child.start()

    def watch(self) -> None:
        """Restart any child that exited, waiting longer after each restart (at most 30 s)."""
        now = time.monotonic()
        for child in self.children:
            if child.alive or child.process is None:
                continue
            if child._next_start == 0.0:
                code = child.process.returncode
                delay = min(30.0, 0.5 * 2**child.restarts)
                log.warning("%s exited with %s; restarting in %.1f s", child.name, code, delay)
                child._next_start = now + delay
            elif now >= child._next_start:
                child.restarts += 1
                child._next_start = 0.0
                child.start()

    def stop_all(self, timeout_s: float = 15.0) -> None:
        for child in reversed(self.children):
            if child.process is not None:
                stop_process(child.process, timeout_s)

    def pids(self) -> dict[str, int]:
        return {c.name: c.process.pid for c in self.children if c.process is not None}


def python_module(module: str) -> list[str]:
    import sys

    return [sys.executable, "-m", module]


def environment(**overrides: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(overrides)
    return env
