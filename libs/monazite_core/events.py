"""The published event contract: one frozen pydantic model per event type, discriminated by `type`.

Conventions that hold for every event:
- percentages are numbers from 0 to 100 (`pct_after = 15` means fifteen percent);
- tonnes are metric tonnes of rare-earth oxide equivalent (t REO) unless the element group says
  otherwise; quantities and percentages are exact decimals, never binary floats;
- every timestamp carries its UTC offset; `occurred_at` is when it happened in the world (valid
  time), `recorded_at` when Monazite learned of it (set on ingest when absent).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeAlias

import pydantic
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from monazite_core.countries import CountryCode

Identifier = Annotated[
    str, StringConstraints(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-/]*$")
]
Slug = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]
CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Percent = Annotated[Decimal, Field(ge=0, le=100)]
Tonnes = Annotated[Decimal, Field(ge=0)]
Stage = Literal["mining", "separation", "metals", "magnets", "recycling"]
STAGES: tuple[Stage, ...] = ("mining", "separation", "metals", "magnets", "recycling")
Measure = Literal["production", "capacity", "quota"]
EntityKind = Literal["company", "state", "fund", "person"]

CURRENT_SCHEMA_VERSION = 1


class Source(BaseModel):
    """Where a fact comes from: who published it and, where known, the page and the words."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    publisher: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    url: str | None = None
    title: str | None = None
    evidence: str | None = None


class Consideration(BaseModel):
    """Money paid in a deal, in the currency the source gives."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: Annotated[Decimal, Field(gt=0)]
    currency: CurrencyCode


class Event(BaseModel):
    """The envelope every event carries."""

    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="strings")

    event_id: Identifier
    schema_version: Annotated[int, Field(ge=1)] = CURRENT_SCHEMA_VERSION
    occurred_at: AwareDatetime
    recorded_at: AwareDatetime | None = None
    source: Source
    causation_id: Identifier | None = None
    correlation_id: Identifier | None = None

    def content_hash(self) -> str:
        """A digest of what the event says, ignoring when Monazite learned it.

        Two deliveries of one event differ at most in `recorded_at`; the same id with another
        digest is a conflict, not a duplicate.
        """
        document = _canonical(self.model_dump(exclude={"recorded_at"}))
        canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def ordering_key(self) -> tuple[datetime, str]:
        """The order in which facts about one key supersede each other: valid time, then id."""
        return (self.occurred_at, self.event_id)


def _canonical(value: Any) -> Any:
    """Values as they mean, not as they were spelled: 30, 30.0 and 3E+1 tonnes are one quantity."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value else "0"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


class EntityRegistered(Event):
    """A company, state body, fund or person that can hold stakes or report output."""

    type: Literal["entity_registered"] = "entity_registered"
    entity_id: Identifier
    name: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    aliases: tuple[str, ...] = ()
    country: CountryCode
    kind: EntityKind


class OutputReported(Event):
    """Output, capacity or quota of one supplier in one market and year.

    The supplier is either an entity (a company or the owner of a facility) or a country (national
    statistics). A later report for the same supplier, market, period and measure replaces the
    earlier one.
    """

    type: Literal["output_reported"] = "output_reported"
    entity_id: Identifier | None = None
    country: CountryCode | None = None
    location_country: CountryCode | None = Field(
        default=None,
        description="Where the facility sits, when it differs from the entity's home country.",
    )
    commodity: Slug
    element_group: Slug
    stage: Stage
    tonnes: Tonnes
    period: Annotated[int, Field(ge=1900, le=2200)]
    measure: Measure = "production"

    @model_validator(mode="after")
    def _exactly_one_supplier(self) -> OutputReported:
        if (self.entity_id is None) == (self.country is None):
            raise ValueError("give exactly one of entity_id (a company) or country (statistics)")
        if self.country is not None and self.location_country is not None:
            raise ValueError("location_country applies to entity output only")
        return self

    @property
    def market_id(self) -> str:
        return market_id(self.commodity, self.element_group, self.stage)


class StakeChanged(Event):
    """A holder's stake in a target after a purchase, sale or dilution.

    `pct_after` is absent when the source does not disclose it (a CNY 1 bn purchase with no
    percentage stays without one); `controlling` records de-facto control the numbers do not show.
    """

    type: Literal["stake_changed"] = "stake_changed"
    holder_id: Identifier
    target_id: Identifier
    pct_after: Percent | None = None
    pct_before: Percent | None = None
    controlling: bool | None = None
    consideration: Consideration | None = None

    @model_validator(mode="after")
    def _holder_is_not_target(self) -> StakeChanged:
        if self.holder_id == self.target_id:
            raise ValueError("an entity cannot hold a stake in itself")
        if self.pct_after is None and self.controlling is None and self.pct_before is None:
            raise ValueError("give pct_after, or controlling when the percentage is undisclosed")
        return self


InputEvent: TypeAlias = Annotated[
    EntityRegistered | OutputReported | StakeChanged, Field(discriminator="type")
]
INPUT_EVENT_TYPES: tuple[type[Event], ...] = (EntityRegistered, OutputReported, StakeChanged)

_input_adapter: pydantic.TypeAdapter[InputEvent] = pydantic.TypeAdapter(InputEvent)


def parse_input_event(document: Any) -> InputEvent:
    """Validate one decoded JSON document as an input event; raises `pydantic.ValidationError`."""
    return _input_adapter.validate_python(document)


def describe_validation_error(error: pydantic.ValidationError) -> str:
    """One clause per field at fault, `field.path: what is wrong`, joined by semicolons."""
    return "; ".join(
        f"{'.'.join(str(p) for p in problem['loc']) or 'event'}: {problem['msg']}"
        for problem in error.errors(include_url=False)
    )


def market_id(commodity: str, element_group: str, stage: str) -> str:
    """Markets are named `commodity.element_group.stage`, e.g. `rare_earths.total_reo.mining`."""
    return f"{commodity}.{element_group}.{stage}"


Basis = Literal["country_location", "company_control"]
BASES: tuple[Basis, ...] = ("country_location", "company_control")


class SupplierShare(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    supplier_id: str
    name: str
    tonnes: Decimal
    share_pct: float


class Figures(BaseModel):
    """Concentration of one market on one basis.

    Shares are percent of `total_tonnes`, which includes `unattributed_tonnes` (output that no
    single supplier can be named for); the unattributed remainder is never squared into the HHI.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    hhi: float
    cr1: float
    cr3: float
    cr4: float
    effective_suppliers: float | None
    supplier_count: int
    total_tonnes: Decimal
    unattributed_tonnes: Decimal
    top_suppliers: tuple[SupplierShare, ...]


class IndexChanged(Event):
    """Published whenever a figure of an index changes, naming the events that caused it."""

    type: Literal["index_changed"] = "index_changed"
    market_id: str
    commodity: str
    element_group: str
    stage: Stage
    basis: Basis
    period: int
    measure: Measure
    figures: Figures
    previous: Figures | None
    caused_by: tuple[str, ...]


class DeadLettered(BaseModel):
    """A message that could not be accepted, with the reason a person can act on."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["dead_lettered"] = "dead_lettered"
    reason: str
    topic: str
    partition: int
    offset: int
    event_id: str | None
    payload: str
    dead_lettered_at: AwareDatetime
