"""Run the real processor and gateway as child processes against the test session's data layer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from monazite_infra.devstack import free_port, stop_process
from monazite_infra.settings import Settings


def service_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        KAFKA_BOOTSTRAP=settings.require_bootstrap(),
        DATABASE_URL=settings.require_database_url(),
        MONAZITE_HOME=str(settings.home),
        MONAZITE_LOG_LEVEL="INFO",
        **extra,
    )
    return env


@dataclass
class ServiceProcess:
    module: str
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def start(self) -> None:
        self.starts += 1
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", self.module],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, exactly like a crash."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass
class Pipeline:
    """Processor and gateway running as they do in production, plus helpers to observe them."""

    settings: Settings
    processor: ServiceProcess
    gateway: ServiceProcess
    gateway_url: str
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=10))

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.http.get(self.gateway_url + path, params=params)

    def holding_made_by(self, entity_id: str, event_id: str) -> dict[str, Any] | None:
        """The holding in `entity_id` that `event_id` set, once the pipeline has folded it (other
        tests may have given the same holder a holding there before)."""
        holders = self.get(f"/v1/entities/{entity_id}").raise_for_status().json()["holders"]
        return next((h for h in holders if h["event_id"] == event_id), None)

    def wait_for(self, what: str, check: Callable[[], Any], timeout_s: float = 60.0) -> Any:
        deadline = time.monotonic() + timeout_s
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            try:
                result = check()
                if result:
                    return result
            except (httpx.HTTPError, KeyError, IndexError, ValueError) as error:
                last_error = error
            time.sleep(0.2)
        raise AssertionError(
            f"timed out waiting for {what} (last error: {last_error})\n"
            f"--- processor log ---\n{self.processor.log_tail()}\n"
            f"--- gateway log ---\n{self.gateway.log_tail()}"
        )

    def wait_ready(self, timeout_s: float = 90.0) -> None:
        def ready() -> bool:
            status = self.get("/v1/status").json()
            return bool(status["processor_ready"]) and self.get("/readyz").status_code == 200

        self.wait_for("processor and gateway readiness", ready, timeout_s)

    def restart_processor(self, *, kill: bool = True) -> None:
        if kill:
            self.processor.kill()
        else:
            self.processor.stop()
        self.processor.start()

    def stop(self) -> None:
        self.gateway.stop()
        self.processor.stop()
        self.http.close()


def start_pipeline(settings: Settings, log_dir: Path, **extra_env: str) -> Pipeline:
    port = free_port()
    env = service_env(settings, MONAZITE_GATEWAY_PORT=str(port), **extra_env)
    log_dir.mkdir(parents=True, exist_ok=True)
    processor = ServiceProcess("monazite_processor", env, log_dir / "processor.log")
    gateway = ServiceProcess("monazite_gateway", env, log_dir / "gateway.log")
    processor.start()
    gateway.start()
    return Pipeline(settings, processor, gateway, f"http://127.0.0.1:{port}")
