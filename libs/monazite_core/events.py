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
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeAlias

import pydantic
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from monazite_core.countries import CountryCode, JurisdictionCode
from monazite_core.upcasting import current_version, upcast

Identifier = Annotated[
    str, StringConstraints(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-/]*$")
]
Slug = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]
CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Percent = Annotated[Decimal, Field(ge=0, le=100)]
Tonnes = Annotated[Decimal, Field(ge=0)]
Stage = Literal["mining", "separation", "metals", "magnets", "recycling"]
STAGES: tuple[Stage, ...] = ("mining", "separation", "metals", "magnets", "recycling")
#: `share`: sources give only each supplier's percentage of world supply (no tonnes); the
#: quantities of such a series are percentage points, which leaves every figure the same.
Measure = Literal["production", "capacity", "quota", "share"]
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

    @model_validator(mode="after")
    def _known_schema_version(self) -> Event:
        event_type = getattr(self, "type", None)
        if isinstance(event_type, str):
            expected = current_version(event_type)
            if self.schema_version != expected:
                raise ValueError(
                    f"schema_version: {event_type} is read at version {expected}, got"
                    f" {self.schema_version} (no upcaster lifts it)"
                )
        return self

    def content_hash(self) -> str:
        """A digest of what the event says, ignoring when Monazite learned it (hexadecimal).

        Two deliveries of one event differ at most in `recorded_at`; the same id with another
        digest is a conflict, not a duplicate.
        """
        return self.content_digest().hex()

    def content_digest(self) -> bytes:
        """`content_hash` as its 32 bytes: half the memory of the text, for a state that keeps
        one per accepted event."""
        document = _canonical(self.model_dump(exclude={"recorded_at"}))
        canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).digest()

    def ordering_key(self) -> tuple[datetime, str]:
        """The order in which facts about one key supersede each other: valid time, then id."""
        return (self.occurred_at, self.event_id)


#: Types whose values are already canonical: most fields of an event, passed over without a call
#: (every event's content is hashed on every fold, so this is the fold's busiest path).
_AS_THEY_ARE: frozenset[type] = frozenset({str, int, float, bool, type(None)})


def _canonical(value: Any) -> Any:
    """Values as they mean, not as they were spelled: 30, 30.0 and 3E+1 tonnes are one quantity."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value else "0"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: v if type(v) in _AS_THEY_ARE else _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [v if type(v) in _AS_THEY_ARE else _canonical(v) for v in value]
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
    facility_id: Identifier | None = Field(
        default=None,
        description="The plant or mine the figure is for; its output follows the facility when"
        " the facility changes hands (asset_transferred).",
    )
    location_country: CountryCode | None = Field(
        default=None,
        description="Where the facility sits, when it differs from the entity's home country.",
    )
    commodity: Slug
    element_group: Slug
    stage: Stage
    tonnes: Tonnes | None = None
    share_pct: Percent | None = Field(
        default=None, description="The supplier's share of world supply, for measure `share`."
    )
    period: Annotated[int, Field(ge=1900, le=2200)]
    measure: Measure = "production"

    @model_validator(mode="after")
    def _exactly_one_supplier(self) -> OutputReported:
        if (self.entity_id is None) == (self.country is None):
            raise ValueError("give exactly one of entity_id (a company) or country (statistics)")
        if self.measure == "share":
            if self.share_pct is None or self.tonnes is not None:
                raise ValueError("share_pct: measure 'share' takes share_pct and no tonnes")
        elif self.tonnes is None or self.share_pct is not None:
            raise ValueError(f"tonnes: measure {self.measure!r} takes tonnes and no share_pct")
        if self.country is not None and (
            self.location_country is not None or self.facility_id is not None
        ):
            raise ValueError("location_country and facility_id apply to entity output only")
        return self

    @property
    def market_id(self) -> str:
        return market_id(self.commodity, self.element_group, self.stage)

    @property
    def quantity(self) -> Decimal:
        """Tonnes, or percentage points for the `share` measure."""
        value = self.tonnes if self.tonnes is not None else self.share_pct
        assert value is not None  # guaranteed by the validator
        return value


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


class MergerCompleted(Event):
    """The absorbed entity became part of the survivor: its output, holdings and facilities
    count as the survivor's from now on."""

    type: Literal["merger_completed"] = "merger_completed"
    survivor_id: Identifier
    absorbed_id: Identifier
    consideration: Consideration | None = None

    @model_validator(mode="after")
    def _two_parties(self) -> MergerCompleted:
        if self.survivor_id == self.absorbed_id:
            raise ValueError("absorbed_id: an entity cannot absorb itself")
        return self


class AssetTransferred(Event):
    """A facility changed hands: the output reported for it moves to the new owner."""

    type: Literal["asset_transferred"] = "asset_transferred"
    facility_id: Identifier
    from_entity_id: Identifier | None = None
    to_entity_id: Identifier
    consideration: Consideration | None = None


class VenturePartner(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    entity_id: Identifier
    pct: Annotated[Percent, Field(gt=0)] | None = Field(
        default=None, description="Absent when the partners' split is not disclosed."
    )


class JointVentureFormed(Event):
    """A new venture held by partners with the given percentages (together at most 100)."""

    type: Literal["joint_venture_formed"] = "joint_venture_formed"
    venture_id: Identifier
    name: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = None
    country: CountryCode | None = None
    partners: Annotated[tuple[VenturePartner, ...], Field(min_length=1)]
    controlling_partner_id: Identifier | None = None
    consideration: Consideration | None = None

    @model_validator(mode="after")
    def _partners_add_up(self) -> JointVentureFormed:
        ids = [p.entity_id for p in self.partners]
        if len(set(ids)) != len(ids):
            raise ValueError("partners: each partner appears once")
        if self.venture_id in ids:
            raise ValueError("partners: the venture cannot be its own partner")
        total = sum((p.pct for p in self.partners if p.pct is not None), Decimal(0))
        if total > 100:
            raise ValueError(f"partners: percentages sum to {total}, above 100")
        if self.controlling_partner_id is not None and self.controlling_partner_id not in ids:
            raise ValueError("controlling_partner_id: not one of the partners")
        return self


ElementSymbol = Literal[
    "Sc",
    "Y",
    "La",
    "Ce",
    "Pr",
    "Nd",
    "Pm",
    "Sm",
    "Eu",
    "Gd",
    "Tb",
    "Dy",
    "Ho",
    "Er",
    "Tm",
    "Yb",
    "Lu",
]
Restriction = Literal["licence", "ban"]


class _Dated(Event):
    effective_from: date
    effective_until: date | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> _Dated:
        if self.effective_until is not None and self.effective_until < self.effective_from:
            raise ValueError(
                f"effective_until: {self.effective_until} is before effective_from"
                f" {self.effective_from}"
            )
        return self


class ExportControlImposed(_Dated):
    """Exports of some elements at some stages need a licence, or are banned.

    `severity` is the share of the affected supply modelled as withheld from the rest of the
    world (a ban withholds all of it; a licence regime by default half: a documented model
    assumption, overridable per event). `element_groups` names the markets covered beyond those
    whose elements all fall under the control.
    """

    type: Literal["export_control_imposed"] = "export_control_imposed"
    control_id: Identifier
    jurisdiction: CountryCode
    commodity: Slug = "rare_earths"
    elements: tuple[ElementSymbol, ...] = ()
    element_groups: tuple[Slug, ...] = ()
    stages: Annotated[tuple[Stage, ...], Field(min_length=1)]
    restriction: Restriction = "licence"
    severity: Annotated[Decimal, Field(ge=0, le=1)] | None = None

    @model_validator(mode="after")
    def _covers_something(self) -> ExportControlImposed:
        if not self.elements and not self.element_groups:
            raise ValueError("elements: name the elements or element_groups the control covers")
        return self

    @property
    def withheld_share(self) -> Decimal:
        if self.severity is not None:
            return self.severity
        return Decimal(1) if self.restriction == "ban" else Decimal("0.5")


class ExportControlSuspended(_Dated):
    """An export control stops applying from `effective_from` until `effective_until`."""

    type: Literal["export_control_suspended"] = "export_control_suspended"
    control_id: Identifier


class ExportControlLifted(Event):
    """An export control ends for good on `effective_from`."""

    type: Literal["export_control_lifted"] = "export_control_lifted"
    control_id: Identifier
    effective_from: date


class QuotaSet(Event):
    """A production or export quota for a jurisdiction (or one company in it) for one year.

    A production quota is an upper bound on supply and is indexed as the `quota` measure; an
    export quota caps what the jurisdiction's supply can send to the rest of the world.
    """

    type: Literal["quota_set"] = "quota_set"
    jurisdiction: CountryCode
    entity_id: Identifier | None = None
    quota_kind: Literal["production", "export"] = "production"
    commodity: Slug = "rare_earths"
    element_group: Slug
    stage: Stage
    tonnes: Tonnes
    period: Annotated[int, Field(ge=1900, le=2200)]


class TariffImposed(_Dated):
    type: Literal["tariff_imposed"] = "tariff_imposed"
    jurisdiction: JurisdictionCode
    on_origin: CountryCode | None = None
    commodity: Slug = "rare_earths"
    stages: tuple[Stage, ...] = ()
    rate_pct: Annotated[Decimal, Field(ge=0, le=1000)]


class FundingAwarded(Event):
    type: Literal["funding_awarded"] = "funding_awarded"
    funder_id: Identifier
    recipient_id: Identifier
    instrument: Literal["grant", "loan", "equity", "guarantee", "offtake", "tax_credit", "other"]
    amount: Consideration
    purpose: str | None = None


class PriceFloorSet(_Dated):
    """A guaranteed minimum price. Version 2: the price is always per kilogram (version 1 named
    its unit; it is upcast on reading)."""

    type: Literal["price_floor_set"] = "price_floor_set"
    schema_version: Annotated[int, Field(ge=1)] = 2
    jurisdiction: JurisdictionCode | None = None
    beneficiary_id: Identifier | None = None
    commodity: Slug = "rare_earths"
    element_group: Slug
    price_per_kg: Consideration


OwnershipEvent = StakeChanged | MergerCompleted | AssetTransferred | JointVentureFormed
PolicyEvent = (
    ExportControlImposed
    | ExportControlSuspended
    | ExportControlLifted
    | QuotaSet
    | TariffImposed
    | FundingAwarded
    | PriceFloorSet
)
OWNERSHIP_EVENT_TYPES: tuple[type[Event], ...] = (
    StakeChanged,
    MergerCompleted,
    AssetTransferred,
    JointVentureFormed,
)
POLICY_EVENT_TYPES: tuple[type[Event], ...] = (
    ExportControlImposed,
    ExportControlSuspended,
    ExportControlLifted,
    QuotaSet,
    TariffImposed,
    FundingAwarded,
    PriceFloorSet,
)


class EventRetracted(Event):
    """An accepted event was wrong: from now on it counts for nothing (it stays in the archive,
    marked). A correction is the retraction plus the corrected fact under a new id, named in
    `replaced_by`."""

    type: Literal["event_retracted"] = "event_retracted"
    retracted_event_id: Identifier
    reason: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    replaced_by: Identifier | None = None

    @model_validator(mode="after")
    def _not_itself(self) -> EventRetracted:
        if self.retracted_event_id == self.event_id:
            raise ValueError("retracted_event_id: an event cannot retract itself")
        return self


InputEvent: TypeAlias = Annotated[
    EntityRegistered | OutputReported | OwnershipEvent | PolicyEvent | EventRetracted,
    Field(discriminator="type"),
]
INPUT_EVENT_TYPES: tuple[type[Event], ...] = (
    EntityRegistered,
    OutputReported,
    *OWNERSHIP_EVENT_TYPES,
    *POLICY_EVENT_TYPES,
    EventRetracted,
)

_input_adapter: pydantic.TypeAdapter[InputEvent] = pydantic.TypeAdapter(InputEvent)


def parse_input_event(document: Any) -> InputEvent:
    """Upcast one decoded JSON document to the current version of its type and validate it;
    raises `pydantic.ValidationError`."""
    return _input_adapter.validate_python(upcast(document))


def describe_validation_error(error: pydantic.ValidationError) -> str:
    """One clause per field at fault, `field.path: what is wrong`, joined by semicolons."""
    return "; ".join(
        f"{'.'.join(str(p) for p in problem['loc']) or 'event'}: {problem['msg']}"
        for problem in error.errors(include_url=False)
    )


def market_id(commodity: str, element_group: str, stage: str) -> str:
    """Markets are named `commodity.element_group.stage`, e.g. `rare_earths.total_reo.mining`."""
    return f"{commodity}.{element_group}.{stage}"


Basis = Literal[
    "company_control",
    "company_equity",
    "country_location",
    "country_control",
    "available_to_rest_of_world",
]
BASES: tuple[Basis, ...] = (
    "company_control",
    "company_equity",
    "country_location",
    "country_control",
    "available_to_rest_of_world",
)


# Figures are computed for every basis of every touched market in every batch: plain frozen
# dataclasses keep that cheap, and pydantic still validates and serialises them inside events.
@dataclass(frozen=True, slots=True)
class SupplierShare:
    supplier_id: str
    name: str
    tonnes: Decimal
    share_pct: float


@dataclass(frozen=True, slots=True)
class Figures:
    """Concentration of one market on one basis.

    Shares are percent of `total_tonnes`, which includes `unattributed_tonnes` (output that no
    single supplier can be named for); the unattributed remainder is never squared into the HHI.
    """

    hhi: float
    cr1: float
    cr3: float
    cr4: float
    effective_suppliers: float | None
    supplier_count: int
    total_tonnes: Decimal
    unattributed_tonnes: Decimal
    top_suppliers: tuple[SupplierShare, ...]


_figures_adapter: pydantic.TypeAdapter[Figures] = pydantic.TypeAdapter(Figures)


def figures_document(value: Figures) -> dict[str, Any]:
    """The JSON form of figures (decimals as strings), as topics and read models carry them."""
    document: dict[str, Any] = _figures_adapter.dump_python(value, mode="json")
    return document


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


class Screen(BaseModel):
    """One structural screen applied to one market on one basis."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    triggered: bool
    rule: str


class MarketAssessment(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    market_id: str
    period: int
    measure: Measure
    basis: Basis
    hhi_before: float | None
    hhi_after: float | None
    delta_hhi: float
    combined_share: float | None
    control_changed: bool
    screens: tuple[Screen, ...]
    summary: str


class DealAssessed(Event):
    """What an ownership-changing event did to every market it touches, and why."""

    type: Literal["deal_assessed"] = "deal_assessed"
    deal_event_id: str
    deal_type: str
    acquirer_id: str | None
    subject_id: str | None
    controller_before: str | None
    controller_after: str | None
    control_changed: bool
    markets: tuple[MarketAssessment, ...]
    screens_triggered: tuple[str, ...]
    summary: str


AlertKind = Literal[
    "hhi_threshold_crossed",
    "top_country_share_crossed",
    "deal_screen_triggered",
    "rest_of_world_supply_cut",
    "chain_bottleneck_moved",
    "vertical_integration_step",
]


class AlertRaised(Event):
    """Something an analyst should look at now, with the events that caused it."""

    type: Literal["alert_raised"] = "alert_raised"
    #: Version 2 adds the chain alert kinds (a subscriber's list of kinds grew).
    schema_version: Annotated[int, Field(ge=1)] = 2
    kind: AlertKind
    market_id: str | None
    basis: Basis | None
    period: int | None
    measure: Measure | None
    threshold: float | None
    value_before: float | None
    value_after: float | None
    direction: Literal["up", "down"] | None
    caused_by: tuple[str, ...]
    message: str


# ---- whole-chain views (computed by monazite_core.chains) --------------------------------

#: What a chain stage's quantities are: tonnes, or percentage points of world supply when the
#: stage is only known as shares.
ChainUnit = Literal["t", "pct_points"]


@dataclass(frozen=True, slots=True)
class BlocShare:
    """A bloc's part of one stage: located in its countries, and controlled from them (by the
    home country of the ultimate controller; None when the stage has no company data)."""

    bloc: str
    located_pct: float
    controlled_pct: float | None = None


@dataclass(frozen=True, slots=True)
class ChainStage:
    """One stage of a chain, as the series chosen to stand for it shows it."""

    stage: Stage
    market_id: str
    period: int
    measure: Measure
    unit: ChainUnit
    total: Decimal
    #: The series carries national statistics, so its total is the world's.
    world_coverage: bool
    blocs: tuple[BlocShare, ...]
    caused_by: tuple[str, ...]
    #: How much of the total has a known controller (company supply): the blocs'
    #: `controlled_pct` cover only this much, national statistics name no controller.
    control_known_pct: float | None = None


@dataclass(frozen=True, slots=True)
class StagePresence:
    """What one controller holds at one stage, in the series that best shows it."""

    stage: Stage
    market_id: str
    period: int
    measure: Measure
    tonnes: Decimal
    share_pct: float


@dataclass(frozen=True, slots=True)
class ControllerIntegration:
    controller_id: str
    name: str
    stages: tuple[StagePresence, ...]
    integration_score: float
    end_to_end: bool


@dataclass(frozen=True, slots=True)
class DependencyStage:
    """Supply of one stage seen from bloc `for` when it wants to do without bloc `on`.

    `outside`: not located in `on` and not controlled from it; `outside_available`: the same net
    of the export controls in force where it is located; `obtainable`: that plus what `on`'s own
    export controls still release; `within_for`: located in `for`, not controlled from `on`.
    Quantities are in the stage's unit, percentages of the stage's world total."""

    stage: Stage
    market_id: str
    period: int
    measure: Measure
    unit: ChainUnit
    world: Decimal
    outside: Decimal
    outside_pct: float
    outside_available: Decimal
    outside_available_pct: float
    obtainable: Decimal
    obtainable_pct: float
    within_for: Decimal
    within_for_pct: float
    controls_in_force: tuple[str, ...]
    caused_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Bottleneck:
    """The narrowest stage: its share of world supply and, when known in tonnes, the tonnes."""

    stage: Stage
    market_id: str
    share_pct: float
    tonnes: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Dependency:
    commodity: str
    on: str
    for_bloc: str
    stages: tuple[DependencyStage, ...]
    summary: str
    #: Narrowest stage outside `on`, with the export controls in force (None: no stage has data).
    bottleneck: Bottleneck | None = None
    #: The same with no export control at all.
    bottleneck_without_controls: Bottleneck | None = None
    #: Narrowest stage of what `for` can obtain at all (`on`'s controls included).
    obtainable_bottleneck: Bottleneck | None = None


@dataclass(frozen=True, slots=True)
class ChainView:
    commodity: str
    stages: tuple[ChainStage, ...]
    companies: tuple[ControllerIntegration, ...]
    countries: tuple[ControllerIntegration, ...]
    #: Companies (ultimate controllers) present at every stage that has data.
    end_to_end: tuple[str, ...]
    dependency: Dependency | None = None


class ChainChanged(Event):
    """Published whenever the whole-chain view of a commodity changes (default blocs)."""

    type: Literal["chain_changed"] = "chain_changed"
    schema_version: Annotated[int, Field(ge=1)] = 2
    commodity: str
    chain: ChainView
    caused_by: tuple[str, ...]
