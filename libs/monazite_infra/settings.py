"""Runtime configuration: read from the environment and the local stack file when asked, never at
import."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from monazite_core.alerts import AlertRules
from monazite_core.assessment import ScreenRules
from monazite_core.chains import BLOC_NAME, DEFAULT_BLOCS, Bloc, UnknownCountry

STACK_FILE_NAME = "stack.json"


class Settings(BaseSettings):
    """Every knob a service reads. Environment variables use the names in capitals.

    `KAFKA_BOOTSTRAP` and `DATABASE_URL` point at an external Kafka and PostgreSQL; without them
    commands use the embedded stack that `monazite up` recorded in `MONAZITE_HOME/stack.json`.
    """

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    kafka_bootstrap: str | None = Field(default=None, alias="KAFKA_BOOTSTRAP")
    database_url: str | None = Field(default=None, alias="DATABASE_URL")
    home: Path = Field(default=Path(".monazite"), alias="MONAZITE_HOME")
    topic_prefix: str = Field(default="monazite.", alias="MONAZITE_TOPIC_PREFIX")
    input_partitions: int = Field(default=4, ge=1, alias="MONAZITE_INPUT_PARTITIONS")
    replication_factor: int = Field(default=1, ge=1, alias="MONAZITE_REPLICATION_FACTOR")

    processor_group: str = Field(default="monazite-processor", alias="MONAZITE_PROCESSOR_GROUP")
    processor_batch_max: int = Field(default=2000, ge=1, alias="MONAZITE_BATCH_MAX")
    # How long the processor gathers a batch: each batch costs one PostgreSQL transaction, so a
    # longer window buys throughput with latency.
    processor_batch_within_s: float = Field(default=0.2, gt=0, alias="MONAZITE_BATCH_WITHIN_S")
    # Short sessions suit the embedded single-node broker (a worker is ready in seconds and a
    # killed one is evicted quickly); deploy/ sets production values.
    broker_session_timeout_s: float = Field(default=6.0, gt=0, alias="MONAZITE_SESSION_TIMEOUT_S")
    broker_heartbeat_interval_s: float = Field(
        default=1.0, gt=0, alias="MONAZITE_HEARTBEAT_INTERVAL_S"
    )
    # The fold takes what the workers took in, one window of message time at a time, once every
    # input partition is past the window's end: batches and their order are then fixed by the
    # topics' content, whatever the number of workers. A partition with nothing left to read is
    # taken to be past `now - margin`, so the margin must cover a message's way from producer to
    # broker (and the producers' clock skew); it is the floor of the pipeline's latency.
    fold_window_ms: int = Field(default=200, ge=1, alias="MONAZITE_FOLD_WINDOW_MS")
    fold_margin_ms: int = Field(default=50, ge=0, alias="MONAZITE_FOLD_MARGIN_MS")
    fold_poll_s: float = Field(default=0.02, gt=0, alias="MONAZITE_FOLD_POLL_S")
    # How long a fetch may wait for data at the broker. Faust fixes 1.5 s; a broker that holds a
    # fetch for its whole wait (the embedded one does) makes that the intake's latency.
    fetch_max_wait_ms: int = Field(default=100, ge=1, alias="MONAZITE_FETCH_MAX_WAIT_MS")
    # A fold lease not renewed for this long is taken over by another worker.
    fold_lease_s: float = Field(default=8.0, gt=0, alias="MONAZITE_FOLD_LEASE_S")

    checkpoint_every: int = Field(default=50_000, ge=1, alias="MONAZITE_CHECKPOINT_EVERY")
    park_seconds: float = Field(default=30.0, ge=0, alias="MONAZITE_PARK_SECONDS")
    alert_hhi_levels: str = Field(default="1000,1800,2500", alias="MONAZITE_ALERT_HHI_LEVELS")
    alert_top_country_pct: float = Field(default=65.0, alias="MONAZITE_ALERT_TOP_COUNTRY_PCT")
    alert_row_cut_pct: float = Field(default=10.0, alias="MONAZITE_ALERT_ROW_CUT_PCT")
    screen_us_post_hhi: float = Field(default=1800.0, alias="MONAZITE_SCREEN_US_POST_HHI")
    screen_us_delta_hhi: float = Field(default=100.0, alias="MONAZITE_SCREEN_US_DELTA_HHI")
    screen_us_share_pct: float = Field(default=30.0, alias="MONAZITE_SCREEN_US_SHARE_PCT")
    screen_eu_country_pct: float = Field(default=65.0, alias="MONAZITE_SCREEN_EU_COUNTRY_PCT")

    max_request_bytes: int = Field(default=1_048_576, ge=1024, alias="MONAZITE_MAX_REQUEST_BYTES")
    rate_limit_per_minute: float = Field(default=600, gt=0, alias="MONAZITE_RATE_LIMIT_PER_MINUTE")

    # Reads: "open" serves GETs to anyone; "key" asks for a key with the read scope.
    read_access: Literal["open", "key"] = Field(default="open", alias="MONAZITE_READ_ACCESS")
    stream_heartbeat_s: float = Field(default=15.0, gt=0, alias="MONAZITE_STREAM_HEARTBEAT_S")
    stream_poll_s: float = Field(default=1.0, gt=0, alias="MONAZITE_STREAM_POLL_S")
    scenario_max_events: int = Field(default=200, ge=1, alias="MONAZITE_SCENARIO_MAX_EVENTS")
    # Blocs beyond the defaults: a JSON object, name → list of ISO 3166-1 alpha-2 codes.
    blocs: str = Field(default="", alias="MONAZITE_BLOCS")
    gateway_host: str = Field(default="127.0.0.1", alias="MONAZITE_GATEWAY_HOST")
    gateway_port: int = Field(default=8400, ge=0, le=65535, alias="MONAZITE_GATEWAY_PORT")
    log_level: str = Field(default="INFO", alias="MONAZITE_LOG_LEVEL")

    def alert_rules(self) -> AlertRules:
        try:
            levels = tuple(sorted(float(v) for v in self.alert_hhi_levels.split(",") if v.strip()))
        except ValueError as error:
            raise ConfigurationError(
                f"MONAZITE_ALERT_HHI_LEVELS: expected numbers separated by commas ({error})"
            ) from error
        return AlertRules(levels, self.alert_top_country_pct, self.alert_row_cut_pct)

    def screen_rules(self) -> ScreenRules:
        return ScreenRules(
            self.screen_us_post_hhi,
            self.screen_us_delta_hhi,
            self.screen_us_share_pct,
            self.screen_eu_country_pct,
        )

    def configured_blocs(self) -> dict[str, Bloc]:
        """The blocs of `MONAZITE_BLOCS`; a wrong one is refused naming it (and the code)."""
        if not self.blocs.strip():
            return {}
        try:
            document = json.loads(self.blocs)
        except ValueError as error:
            raise ConfigurationError(f"MONAZITE_BLOCS: not JSON ({error})") from error
        if not isinstance(document, dict):
            raise ConfigurationError("MONAZITE_BLOCS: expected an object, name → country codes")
        found = {}
        for name, codes in document.items():
            if not BLOC_NAME.fullmatch(str(name)) or name in DEFAULT_BLOCS:
                raise ConfigurationError(
                    f"MONAZITE_BLOCS: {name!r} must be a new lower-case name (not a default bloc)"
                )
            if not isinstance(codes, list):
                raise ConfigurationError(f"MONAZITE_BLOCS: {name}: expected a list of codes")
            try:
                found[name] = Bloc.of(name, name, codes)
            except (UnknownCountry, ValueError) as error:
                raise ConfigurationError(f"MONAZITE_BLOCS: {name}: {error}") from error
        return found

    @property
    def stack_file(self) -> Path:
        return self.home / STACK_FILE_NAME

    def resolved(self) -> Settings:
        """These settings with the broker and database filled in from the running local stack."""
        if self.kafka_bootstrap and self.database_url:
            return self
        recorded = read_stack_file(self.stack_file)
        return self.model_copy(
            update={
                "kafka_bootstrap": self.kafka_bootstrap or recorded.get("kafka_bootstrap"),
                "database_url": self.database_url or recorded.get("database_url"),
            }
        )

    def require_bootstrap(self) -> str:
        if not self.kafka_bootstrap:
            raise ConfigurationError(
                "no Kafka broker: set KAFKA_BOOTSTRAP or start the local stack with `monazite up`"
            )
        return self.kafka_bootstrap

    def require_database_url(self) -> str:
        if not self.database_url:
            raise ConfigurationError(
                "no PostgreSQL: set DATABASE_URL or start the local stack with `monazite up`"
            )
        return self.database_url


class ConfigurationError(RuntimeError):
    """A setting needed for the command at hand is missing or wrong."""


def read_stack_file(path: Path) -> dict[str, str]:
    try:
        recorded = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return {k: str(v) for k, v in recorded.items()} if isinstance(recorded, dict) else {}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, resolved against the local stack file on first use."""
    return Settings().resolved()
