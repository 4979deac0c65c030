"""The `monazite` command: the user's front door to the stack."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

import asyncpg
import click
import httpx
import orjson

from monazite_cli.news import COMMANDS as NEWS_COMMANDS
from monazite_infra import redrive as redriving
from monazite_infra.devstack import free_port
from monazite_infra.logs import configure_logging
from monazite_infra.postgres.api_keys import ApiKeyStore
from monazite_infra.postgres.pool import create_pool
from monazite_infra.publisher import EventPublisher
from monazite_infra.settings import ConfigurationError, Settings, read_stack_file
from monazite_infra.stack import DataLayer, start_data_layer
from monazite_infra.supervisor import Child, Supervisor, environment, python_module
from monazite_producer.jsonl import parse_file

DEFAULT_REFERENCE = Path("data/reference/events.jsonl")
T = TypeVar("T")


@click.group()
def cli() -> None:
    """Monazite: live concentration indices for critical-mineral supply chains."""


@cli.command()
@click.option(
    "--reference",
    type=click.Path(path_type=Path),
    default=DEFAULT_REFERENCE,
    show_default=True,
    help="JSON Lines of events loaded once the stack is healthy ('' to skip).",
)
@click.option("--timeout", default=120.0, show_default=True, help="Seconds to wait for health.")
def up(reference: Path, timeout: float) -> None:
    """Start broker, PostgreSQL, processor and gateway; load the reference data; stay up."""
    configure_logging("WARNING")
    settings = Settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    recorded = read_stack_file(settings.stack_file)
    if recorded.get("pid") and _pid_alive(int(recorded["pid"])):
        raise click.ClickException(
            f"a stack is already running (pid {recorded['pid']}, {recorded.get('gateway_url')})"
        )
    stopping = _StopFlag()
    click.echo("starting the data layer (broker, PostgreSQL, migrations, topics)…")
    data = start_data_layer(settings)
    supervisor = Supervisor()
    try:
        port = settings.gateway_port if _port_free(settings.gateway_port) else free_port()
        gateway_url = f"http://{settings.gateway_host}:{port}"
        env = environment(
            KAFKA_BOOTSTRAP=data.settings.require_bootstrap(),
            DATABASE_URL=data.settings.require_database_url(),
            MONAZITE_GATEWAY_PORT=str(port),
            MONAZITE_HOME=str(settings.home),
        )
        logs = settings.home / "logs"
        supervisor.children = [
            Child("processor", python_module("monazite_processor"), env, logs / "processor.log"),
            Child("gateway", python_module("monazite_gateway"), env, logs / "gateway.log"),
        ]
        supervisor.start_all()
        _write_stack_file(settings, data, gateway_url, supervisor)
        click.echo("waiting for the processor and gateway to be ready…")
        _wait_ready(gateway_url, timeout, stopping, supervisor)
        if reference and str(reference) and not stopping.requested:
            _load_reference(data.settings, reference, gateway_url, timeout, stopping)
        if not stopping.requested:
            _print_where_to_look(gateway_url, data.settings, logs)
        while not stopping.requested:
            supervisor.watch()
            time.sleep(0.5)
        click.echo("stopping…")
    finally:
        supervisor.stop_all()
        data.stop()
        settings.stack_file.unlink(missing_ok=True)


for _news_command in NEWS_COMMANDS:
    cli.add_command(_news_command)


@cli.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def publish(path: Path) -> None:
    """Validate every line of a JSON Lines file and publish the valid events.

    Each invalid line is reported with its number and reason; the exit status is 1 if any was.
    """
    settings = _resolved_settings()
    parsed = parse_file(path)
    for error in parsed.errors:
        click.echo(f"{path}:{error.line}: {error.reason}", err=True)
    if parsed.events:
        count = asyncio.run(_publish(settings, parsed.events))
        click.echo(f"published {count} events from {path}")
    if parsed.errors:
        click.echo(f"{len(parsed.errors)} invalid lines were not published", err=True)
        sys.exit(1)


@cli.command()
@click.option("--id", "ids", type=int, multiple=True, help="Only this dead letter (repeatable).")
@click.option("--reason-contains", help="Only dead letters whose reason contains this text.")
def redrive(ids: tuple[int, ...], reason_contains: str | None) -> None:
    """Send pending dead letters again to the topic they came from (after fixing the cause)."""
    settings = _resolved_settings(database=True)
    sent = asyncio.run(_redrive(settings, list(ids) or None, reason_contains))
    for letter in sent:
        click.echo(
            f"re-drove dead letter {letter.dead_letter_id} ({letter.event_id}) to {letter.topic}"
        )
    click.echo(f"{len(sent)} dead letters re-driven")


async def _redrive(
    settings: Settings, ids: list[int] | None, reason_contains: str | None
) -> list[redriving.Redriven]:
    return await _with_pool(
        settings,
        lambda pool: redriving.redrive(
            pool, settings.require_bootstrap(), ids=ids, reason_contains=reason_contains
        ),
    )


@cli.command()
@click.option("--apply", is_flag=True, help="Replace the live read models with the replay.")
@click.option("--force", is_flag=True, help="Apply even while a processor is running.")
def replay(apply: bool, force: bool) -> None:
    """Rebuild every read model from the event archive and check it equals the live state."""
    settings = _resolved_settings(database=True)
    argv = python_module("monazite_processor.replay")
    argv += [flag for flag, on in (("--apply", apply), ("--force", force)) if on]
    env = environment(
        KAFKA_BOOTSTRAP=settings.require_bootstrap(),
        DATABASE_URL=settings.require_database_url(),
    )
    sys.exit(subprocess.run(argv, env=env, check=False).returncode)


@cli.command()
def status() -> None:
    """Where the running local stack is, and whether it is ready."""
    recorded = read_stack_file(Settings().stack_file)
    if not recorded:
        raise click.ClickException("no local stack is running; start one with `monazite up`")
    click.echo(orjson.dumps(recorded, option=orjson.OPT_INDENT_2).decode())
    try:
        ready = httpx.get(recorded["gateway_url"] + "/readyz", timeout=5)
        click.echo(ready.text)
    except httpx.HTTPError as error:
        raise click.ClickException(f"gateway unreachable: {error}") from error


def _resolved_settings(*, database: bool = False, broker: bool = True) -> Settings:
    settings = Settings().resolved()
    try:
        if broker:
            settings.require_bootstrap()
        if database:
            settings.require_database_url()
    except ConfigurationError as error:
        raise click.ClickException(str(error)) from error
    return settings


async def _publish(settings: Settings, events: list[Any]) -> int:
    async with EventPublisher(settings) as publisher:
        return await publisher.publish(events)


class _StopFlag:
    def __init__(self) -> None:
        self.requested = False
        signal.signal(signal.SIGINT, self._request)
        signal.signal(signal.SIGTERM, self._request)

    def _request(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _port_free(port: int) -> bool:
    import socket

    if port == 0:
        return False
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _write_stack_file(
    settings: Settings, data: DataLayer, gateway_url: str, supervisor: Supervisor
) -> None:
    children = supervisor.pids()
    if data.broker is not None:
        children["broker"] = data.broker.process.pid
    document = {
        "pid": os.getpid(),
        "gateway_url": gateway_url,
        "kafka_bootstrap": data.settings.kafka_bootstrap,
        "database_url": data.settings.database_url,
        "children": children,
    }
    settings.stack_file.write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2))


def _wait_ready(
    gateway_url: str, timeout: float, stopping: _StopFlag, supervisor: Supervisor
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not stopping.requested:
        supervisor.watch()
        try:
            ready = httpx.get(gateway_url + "/readyz", timeout=3).status_code == 200
            processor = httpx.get(gateway_url + "/v1/status", timeout=3).json()
            if ready and processor.get("processor_ready"):
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.5)
    if not stopping.requested:
        raise click.ClickException(
            f"the stack was not ready after {timeout:.0f} s; see the logs in .monazite/logs"
        )


def _load_reference(
    settings: Settings, path: Path, gateway_url: str, timeout: float, stopping: _StopFlag
) -> None:
    parsed = parse_file(path)
    if parsed.errors:
        raise click.ClickException(f"{path}: {len(parsed.errors)} invalid lines")
    asyncio.run(_publish(settings, parsed.events))
    wanted = {e.event_id for e in parsed.events}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not stopping.requested:
        folded = httpx.get(gateway_url + "/v1/status", timeout=3).json().get("events_archived", 0)
        if folded >= len(wanted):
            break
        time.sleep(0.3)
    click.echo(f"loaded {len(wanted)} reference events from {path}")


def _print_where_to_look(gateway_url: str, settings: Settings, logs: Path) -> None:
    headline = httpx.get(
        gateway_url + "/v1/indices/rare_earths.total_reo.mining",
        params={"period": 2024, "measure": "production", "basis": "country_location"},
        timeout=5,
    )
    if headline.status_code == 200 and headline.json()["series"]:
        figures = headline.json()["series"][0]["figures"]
        click.echo(
            f"rare-earth mining 2024, by country: HHI {figures['hhi']:.0f},"
            f" top supplier {figures['top_suppliers'][0]['supplier_id']}"
            f" {figures['cr1']:.1f} %"
        )
    click.echo(
        "\nMonazite is up.\n"
        f"  dashboard {gateway_url}/\n"
        f"  gateway   {gateway_url}   (API docs: {gateway_url}/docs)\n"
        f"  indices   {gateway_url}/v1/indices\n"
        f"  stream    {gateway_url}/v1/stream   (server-sent events)\n"
        f"  contracts {gateway_url}/asyncapi.json\n"
        f"  broker    {settings.kafka_bootstrap}\n"
        f"  database  {settings.database_url}\n"
        f"  logs      {logs}/\n"
        "Publish more events with `monazite publish FILE`. Ctrl-C stops everything."
    )


@cli.group()
def keys() -> None:
    """API keys for ingest over HTTP (POST /v1/events needs the write scope)."""


@keys.command("create")
@click.argument("name")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    default=("write",),
    show_default=True,
    type=click.Choice(["read", "write"]),
)
def create_key(name: str, scopes: tuple[str, ...]) -> None:
    """Create a key; its secret is printed once and stored only as a digest."""
    key, secret = asyncio.run(_with_keys(lambda store: store.create(name, list(scopes))))
    click.echo(f"created key {key.key_id} ({key.name}, scopes {','.join(key.scopes)})")
    click.echo(secret)


@keys.command("revoke")
@click.argument("key_id")
def revoke_key(key_id: str) -> None:
    """Revoke a key by id: it stops working at once."""
    if not asyncio.run(_with_keys(lambda store: store.revoke(key_id))):
        raise click.ClickException(f"no live key {key_id!r}")
    click.echo(f"revoked key {key_id}")


@keys.command("list")
def list_keys() -> None:
    """Every key: id, name, scopes, created, revoked."""
    for key in asyncio.run(_with_keys(lambda store: store.list())):
        revoked = f" revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else ""
        click.echo(
            f"{key.key_id}  {key.name}  {','.join(key.scopes)}"
            f"  created {key.created_at:%Y-%m-%d %H:%M}{revoked}"
        )


async def _with_keys(action: Callable[[ApiKeyStore], Awaitable[T]]) -> T:
    settings = _resolved_settings(database=True, broker=False)
    return await _with_pool(settings, lambda pool: action(ApiKeyStore(pool)))


async def _with_pool(settings: Settings, action: Callable[[asyncpg.Pool[Any]], Awaitable[T]]) -> T:
    pool = await create_pool(settings.require_database_url(), min_size=1, max_size=2)
    try:
        return await action(pool)
    finally:
        await pool.close()
