"""`monazite up` brings the whole stack up, other commands find it, Ctrl-C leaves nothing behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import orjson
import psutil

from monazite_infra.devstack import free_port


def _read_until(process: subprocess.Popen[str], marker: str, timeout_s: float) -> str:
    assert process.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError(f"{marker!r} never printed; output so far:\n{''.join(seen)}")


def test_up_serves_the_reference_indices_and_stops_without_orphans(
    tmp_path: Path, repo_root: Path
) -> None:
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP", "DATABASE_URL")}
    env.update(MONAZITE_HOME=str(home), MONAZITE_GATEWAY_PORT=str(free_port()))
    up = subprocess.Popen(
        [sys.executable, "-m", "monazite_cli", "up"],
        cwd=repo_root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        printed = _read_until(up, "Ctrl-C stops everything", timeout_s=180)
        assert "rare-earth mining 2024, by country: HHI 4924, top supplier CN 68.5 %" in printed
        stack = orjson.loads((home / "stack.json").read_bytes())
        gateway = stack["gateway_url"]
        assert gateway in printed

        indices = httpx.get(gateway + "/v1/indices", params={"stage": "mining"}, timeout=10)
        assert indices.status_code == 200
        assert indices.json()["count"] > 0

        status = subprocess.run(
            [sys.executable, "-m", "monazite_cli", "status"],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert status.returncode == 0, status.stderr
        assert '"status":"ready"' in status.stdout

        assert set(stack["children"]) == {"processor", "gateway", "broker"}
        children = [psutil.Process(pid) for pid in stack["children"].values()]
        postmaster = home / "pgdata" / "postmaster.pid"
        assert postmaster.exists()
    finally:
        up.send_signal(signal.SIGINT)
        up.wait(60)
    assert up.returncode == 0
    assert not any(child.is_running() and child.status() != "zombie" for child in children)
    assert not postmaster.exists()
    assert not (home / "stack.json").exists()
