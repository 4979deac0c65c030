"""Build Monazite's reference dataset: sourced rare-earth facts as JSON Lines input events.

Writes
- `data/reference/events.jsonl`: entity registrations, then outputs, then stakes;
- `data/examples/baogang_stake_increase.jsonl`: the demo deal (Baogang's CNY 1 bn top-up in
  China Northern Rare Earth), kept out of the reference data on purpose.

Every fact below is literal data carried with its source (id, publisher, title, URL); nothing is
read at run time. Conventions follow `monazite_core.events`: percentages 0-100, tonnes of REO,
ISO 3166-1 alpha-2 countries with "ZZ" for "other countries not itemised". Dates known only to
the month or year are written as the first of that month or year (00:00 UTC) and the evidence
says so. Numbers the sources mark UNVERIFIED are left out (see `data/reference/SOURCES.md`).

Run from anywhere: `python3 tools/build_reference.py` (standard library only).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

REPO_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_OUT = REPO_ROOT / "data" / "reference" / "events.jsonl"
EXAMPLE_OUT = REPO_ROOT / "data" / "examples" / "baogang_stake_increase.jsonl"

SCHEMA_VERSION = 1
COMMODITY = "rare_earths"
OTHER_COUNTRIES = "ZZ"

Stage = Literal["mining", "separation", "metals", "magnets", "recycling"]
Measure = Literal["production", "capacity", "quota"]
Kind = Literal["company", "state", "fund", "person"]
Json = dict[str, object]


# --------------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceDoc:
    """A published document. `published` is YYYY-MM-DD, YYYY-MM or YYYY (as precise as known)."""

    publisher: str
    title: str
    url: str
    published: str


SOURCES: dict[str, SourceDoc] = {
    "usgs_mcs2025": SourceDoc(
        "U.S. Geological Survey",
        "Mineral Commodity Summaries 2025 - Rare Earths",
        "https://pubs.usgs.gov/periodicals/mcs2025/mcs2025-rare-earths.pdf",
        "2025-01-31",
    ),
    "reuters_quota_feb2024": SourceDoc(
        "Reuters (via Daily Mail wire)",
        "China raises first 2024 rare earths mining quota by 12.5% y/y",
        "https://www.dailymail.co.uk/wires/reuters/article-13050823/"
        "China-raises-2024-rare-earths-mining-quota-12-5-y-y.html",
        "2024-02-06",
    ),
    "reuters_quota_2024total": SourceDoc(
        "starfeu.com (rewrite of a Reuters report)",
        "China second batch of 2024 rare earth quotas",
        "https://starfeu.com/?p=5920",
        "2024",
    ),
    "fastmarkets_quota2024": SourceDoc(
        "Fastmarkets",
        "China issues first batch of rare earths quotas for 2024",
        "https://www.fastmarkets.com/insights/china-issues-first-batch-of-rare-earths-quotas-for-2024",
        "2024-02-06",
    ),
    "mp_fy2024": SourceDoc(
        "MP Materials Corp.",
        "MP Materials Reports Fourth Quarter and Full Year 2024 Results",
        "https://mpmaterials.com/articles/"
        "mp-materials-reports-fourth-quarter-and-full-year-2024-results",
        "2025-02-20",
    ),
    "metalnomist_lynas_fy24": SourceDoc(
        "Metalnomist",
        "Lynas reports decline in rare earth output (FY2024)",
        "https://metalnomist.com/2024/09/lynas-reports-decline-in-rare-earth.html",
        "2024-09",
    ),
    "argus_neo": SourceDoc(
        "Argus Media",
        "Magnequench starts building Estonia RE magnet plant",
        "https://www.argusmedia.com/de/news-and-insights/latest-market-news/"
        "2465359-magnequench-starts-building-estonia-re-magnet-plant",
        "2023",
    ),
    "cmgroup_creg": SourceDoc(
        "CM Group (China Mining News)",
        "China Rare Earth Group established",
        "https://www.cmgroup.net/news/china-re-group-established/",
        "2021-12-23",
    ),
    "mp_8k_dod": SourceDoc(
        "StockTitan (summary of MP Materials Form 8-K)",
        "MP Materials 8-K: agreements with the US Department of Defense",
        "https://www.stocktitan.net/sec-filings/MP/"
        "8-k-mp-materials-corp-reports-material-event-09e507ca127b.html",
        "2025-07-10",
    ),
    "nsenergy_peak_shenghe": SourceDoc(
        "NS Energy",
        "Peak and Shenghe Resources sign offtake and strategic co-operation MOU",
        "https://www.nsenergybusiness.com/news/"
        "peak-and-shenghe-resources-sign-offtake-and-strategic-co-operation-mou/",
        "2022-10",
    ),
    "miningweekly_shenghe_peak": SourceDoc(
        "Mining Weekly",
        "Shenghe takes a major stake in Peak",
        "https://www.miningweekly.com/print-version/shenghe-takes-a-major-stake-in-peak-2022-02-14",
        "2022-02-14",
    ),
    "rex_baogang": SourceDoc(
        "Rare Earth Exchanges",
        "Baogang Group Injects 1 Billion Yuan to Increase Stake in Northern Rare Earth",
        "https://rareearthexchanges.com/news/strategic-rare-earth-investment",
        "2025",
    ),
    "kallanish_iluka": SourceDoc(
        "Kallanish",
        "Australia grants additional loan for Iluka's rare earths refinery",
        "https://kallanish.com/en/news/power-materials/market-reports/article-details/"
        "australia-grants-dollar257m-loan-for-ilukas-rare-earths-refinery-1224",
        "2024-12",
    ),
    "fastmarkets_evac": SourceDoc(
        "Fastmarkets",
        "E-Vac to build rare earth magnet plant in South Carolina",
        "https://fastmarkets.com/insights/e-vac-to-build-rare-earth-magnet-plant-in-south-carolina",
        "2023-12-14",
    ),
    "samarium_niron": SourceDoc(
        "samarium.dev",
        "Minnesota plant to scale rare-earth-free magnets",
        "https://www.samarium.dev/news/minnesota-plant-to-scale-rare-earth-free-magnets",
        "2025-09-27",
    ),
    "apievangelist_usar": SourceDoc(
        "API Evangelist (GitHub api-evangelist/usa-rare-earth, apis.yml; secondary)",
        "USA Rare Earth company profile",
        "https://github.com/api-evangelist/usa-rare-earth/blob/main/apis.yml",
        "2026-08-05",
    ),
}


def timestamp(date: str) -> str:
    """RFC 3339 at 00:00 UTC for a YYYY, YYYY-MM or YYYY-MM-DD date (first of month/year)."""
    parts = date.split("-")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"bad date {date!r}")
    year, month, day = [*parts, "01", "01"][:3]
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}T00:00:00+00:00"


def precision_note(date: str) -> str:
    """The phrase that says a date was padded to the first of its month or year."""
    parts = date.count("-")
    if parts == 0:
        return f"; only the year {date} is known, so 1 January is used"
    if parts == 1:
        return f"; only the month {date} is known, so the 1st is used"
    return ""


def source_json(source_id: str, evidence: str) -> Json:
    doc = SOURCES[source_id]
    return {"publisher": doc.publisher, "url": doc.url, "title": doc.title, "evidence": evidence}


def number(value: Decimal) -> int | float:
    """A JSON number whose text is exactly the decimal (integers stay integers)."""
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    if Decimal(repr(as_float)) != value:
        raise ValueError(f"{value} does not survive as a JSON number")
    return as_float


# --------------------------------------------------------------------------------------------
# Entities
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entity:
    entity_id: str
    name: str
    aliases: tuple[str, ...]
    country: str
    kind: Kind
    source_id: str
    as_of: str
    evidence: str


ENTITIES: tuple[Entity, ...] = (
    Entity(
        "cnre",
        "China Northern Rare Earth (Group) High-Tech Co., Ltd.",
        ("Northern Rare Earth", "Baotou Steel Rare-Earth", "600111.SH", "CNRE"),
        "CN",
        "company",
        "fastmarkets_quota2024",
        "2024-02-06",
        "one of the two groups given China's 2024 first-batch quotas",
    ),
    Entity(
        "baogang",
        "Baotou Iron and Steel (Group) Co., Ltd.",
        ("Baogang Group", "Baotou Steel Group"),
        "CN",
        "company",
        "rex_baogang",
        "2025",
        "controlling shareholder of China Northern Rare Earth",
    ),
    Entity(
        "creg",
        "China Rare Earth Group Co., Ltd.",
        ("CREG", "China Rare Earths Group"),
        "CN",
        "company",
        "cmgroup_creg",
        "2021-12-23",
        "state group formally set up on 23 Dec 2021 with six shareholders",
    ),
    Entity(
        "sasac",
        "State-owned Assets Supervision and Administration Commission of the State Council",
        ("SASAC",),
        "CN",
        "state",
        "cmgroup_creg",
        "2021-12-23",
        "state commission that supervises China Rare Earth Group and is its largest shareholder",
    ),
    Entity(
        "chalco",
        "Aluminum Corporation of China",
        ("Chalco",),
        "CN",
        "company",
        "cmgroup_creg",
        "2021-12-23",
        "one of three 20.33% founding shareholders of China Rare Earth Group",
    ),
    Entity(
        "minmetals",
        "China Minmetals Corporation",
        ("China Minmetals", "Minmetals"),
        "CN",
        "company",
        "cmgroup_creg",
        "2021-12-23",
        "one of three 20.33% founding shareholders of China Rare Earth Group",
    ),
    Entity(
        "ganzhou_re",
        "Ganzhou Rare Earth Group Co., Ltd.",
        ("Ganzhou Rare Earth Group", "Ganzhou Rare-earth Holding Group"),
        "CN",
        "company",
        "cmgroup_creg",
        "2021-12-23",
        "one of three 20.33% founding shareholders of China Rare Earth Group",
    ),
    Entity(
        "cisri",
        "China Iron & Steel Research Institute Group Co., Ltd.",
        ("CISRI",),
        "CN",
        "company",
        "cmgroup_creg",
        "2021-12-23",
        "research group holding 3.9% of China Rare Earth Group at its founding",
    ),
    Entity(
        "grinm",
        "GRINM (General Research Institute of Nonferrous Metals) Co., Ltd.",
        ("GRINM",),
        "CN",
        "company",
        "cmgroup_creg",
        "2021-12-23",
        "research group holding 3.9% of China Rare Earth Group at its founding",
    ),
    Entity(
        "mp",
        "MP Materials Corp.",
        ("MP", "Mountain Pass"),
        "US",
        "company",
        "nsenergy_peak_shenghe",
        "2022-10",
        "US producer (Mountain Pass) in which Shenghe is said to hold about 7.75%",
    ),
    Entity(
        "shenghe",
        "Shenghe Resources Holding Co., Ltd.",
        ("600392.SH", "Shenghe"),
        "CN",
        "company",
        "nsenergy_peak_shenghe",
        "2022-10",
        "Shanghai-listed Chinese rare-earth group with stakes in MP, Vietnam Rare Earth, GGG",
    ),
    Entity(
        "peak",
        "Peak Rare Earths Ltd",
        ("PEK", "Ngualla"),
        "AU",
        "company",
        "nsenergy_peak_shenghe",
        "2022-10",
        "ASX-listed developer of the Ngualla project in Tanzania",
    ),
    Entity(
        "vietnam_re",
        "Vietnam Rare Earth Company",
        (),
        "VN",
        "company",
        "nsenergy_peak_shenghe",
        "2022-10",
        "Vietnamese company said to be 90% held by Shenghe",
    ),
    Entity(
        "etm",
        "Energy Transition Minerals (formerly Greenland Minerals)",
        ("Greenland Minerals", "Kvanefjeld"),
        "AU",
        "company",
        "nsenergy_peak_shenghe",
        "2022-10",
        "ASX-listed Greenland Minerals, in which Shenghe is said to hold about 9%",
    ),
    Entity(
        "lynas",
        "Lynas Rare Earths Ltd",
        ("LYC", "Mt Weld", "Lynas Malaysia"),
        "AU",
        "company",
        "metalnomist_lynas_fy24",
        "2024-09",
        "Australian producer mining at Mt Weld and separating in Malaysia",
    ),
    Entity(
        "iluka",
        "Iluka Resources Ltd",
        ("Eneabba",),
        "AU",
        "company",
        "kallanish_iluka",
        "2024-12",
        "builder of the Eneabba rare-earth refinery in Western Australia",
    ),
    Entity(
        "neo",
        "Neo Performance Materials",
        ("Silmet", "Magnequench", "Narva"),
        "CA",
        "company",
        "argus_neo",
        "2023",
        "Canadian group owning the Silmet separation plant and the Narva magnet plant, Estonia",
    ),
    Entity(
        "evac",
        "VAC Group / eVAC Magnetics",
        ("Vacuumschmelze", "e-VAC"),
        "DE",
        "company",
        "fastmarkets_evac",
        "2023-12-14",
        "magnet maker building a sintered NdFeB plant in South Carolina",
    ),
    Entity(
        "niron",
        "Niron Magnetics",
        (),
        "US",
        "company",
        "samarium_niron",
        "2025-09-27",
        "US maker of rare-earth-free iron nitride magnets (Sartell, Minnesota)",
    ),
    Entity(
        "usar",
        "USA Rare Earth, Inc.",
        ("USAR", "Round Top"),
        "US",
        "company",
        "apievangelist_usar",
        "2026-08-05",
        "Nasdaq-listed company with a sintered NdFeB plant in Stillwater, OK and Round Top, TX",
    ),
    Entity(
        "us_dod",
        "United States Department of Defense",
        ("US DoD", "DoD"),
        "US",
        "state",
        "mp_8k_dod",
        "2025-07-10",
        "US federal department that took preferred stock and a warrant in MP Materials",
    ),
)


def entity_event(entity: Entity) -> Json:
    return {
        "event_id": f"ref:entity:{entity.entity_id}",
        "type": "entity_registered",
        "schema_version": SCHEMA_VERSION,
        "occurred_at": timestamp(entity.as_of),
        "source": source_json(entity.source_id, entity.evidence + precision_note(entity.as_of)),
        "entity_id": entity.entity_id,
        "name": entity.name,
        "aliases": list(entity.aliases),
        "country": entity.country,
        "kind": entity.kind,
    }


# --------------------------------------------------------------------------------------------
# Output, capacity and quota
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Output:
    """One output figure. Exactly one of `entity_id` / `country` is set."""

    source_id: str
    as_of: str
    element_group: str
    stage: Stage
    measure: Measure
    period: int
    tonnes: Decimal
    evidence: str
    entity_id: str | None = None
    country: str | None = None
    location_country: str | None = None


@dataclass(frozen=True)
class CountryMine:
    """A row of the USGS MCS 2025 world mine production table (t REO)."""

    iso2: str
    name: str
    t2023: Decimal
    t2024: Decimal
    from_import_data: bool
    note: str = ""


#: USGS MCS 2025, world mine production; "Other" becomes ZZ. The "World" row is deliberately not
#: an event (it is a rounded total, not a supplier). Canada, Greenland, Tanzania and South Africa
#: have reserves but no reported production, so they get no rows.
USGS_MINE_PRODUCTION: tuple[CountryMine, ...] = (
    CountryMine(
        "CN",
        "China",
        Decimal(255000),
        Decimal(270000),
        False,
        "USGS gives China's production quota, excluding undocumented output",
    ),
    CountryMine("US", "United States", Decimal(41600), Decimal(45000), False),
    CountryMine("MM", "Burma (Myanmar)", Decimal(43000), Decimal(31000), True),
    CountryMine("AU", "Australia", Decimal(16000), Decimal(13000), True),
    CountryMine("NG", "Nigeria", Decimal(7200), Decimal(13000), True),
    CountryMine("TH", "Thailand", Decimal(3600), Decimal(13000), True),
    CountryMine("IN", "India", Decimal(2900), Decimal(2900), False),
    CountryMine("RU", "Russia", Decimal(2500), Decimal(2500), False),
    CountryMine("MG", "Madagascar", Decimal(2100), Decimal(2000), True),
    CountryMine("VN", "Vietnam", Decimal(300), Decimal(300), True),
    CountryMine("MY", "Malaysia", Decimal(310), Decimal(130), True),
    CountryMine("BR", "Brazil", Decimal(140), Decimal(20), False),
    CountryMine(
        OTHER_COUNTRIES,
        "Other",
        Decimal(1440),
        Decimal(1100),
        False,
        "not itemised by country; kept as an unattributed remainder",
    ),
)

#: Sums of the rows above as checked in the domain reference (world totals round these).
USGS_ROW_SUMS = {2023: Decimal(376090), 2024: Decimal(393950)}


def usgs_outputs() -> list[Output]:
    outputs: list[Output] = []
    for year in (2023, 2024):
        for row in USGS_MINE_PRODUCTION:
            tonnes = row.t2023 if year == 2023 else row.t2024
            if tonnes <= 0:
                continue
            kind = "2024 estimate" if year == 2024 else "2023 figure as revised in MCS 2025"
            parts = [f"USGS world mine production table, {row.name}: {kind}, {tonnes:,} t REO"]
            if row.note:
                parts.append(row.note)
            if row.from_import_data:
                parts.append("USGS estimate derived from China's reported import data")
            parts.append("dated at the MCS 2025 release")
            outputs.append(
                Output(
                    source_id="usgs_mcs2025",
                    as_of=SOURCES["usgs_mcs2025"].published,
                    element_group="total_reo",
                    stage="mining",
                    measure="production",
                    period=year,
                    tonnes=tonnes,
                    evidence="; ".join(parts),
                    country=row.iso2,
                )
            )
    return outputs


CHINA_QUOTAS: tuple[Output, ...] = (
    Output(
        "reuters_quota_feb2024",
        "2024-02-06",
        "total_reo",
        "mining",
        "quota",
        2023,
        Decimal(255000),
        "China's full-year 2023 rare-earth mining quota (all three batches), a record, "
        "up 21.4% on 2022",
        country="CN",
    ),
    Output(
        "reuters_quota_2024total",
        "2024",
        "total_reo",
        "mining",
        "quota",
        2024,
        Decimal(270000),
        "second 2024 batch of 135,000 t brings China's 2024 mining quota to 270,000 t, "
        "up 5.9% on 2023",
        country="CN",
    ),
    Output(
        "reuters_quota_feb2024",
        "2024-02-06",
        "total_reo",
        "separation",
        "quota",
        2023,
        Decimal(243850),
        "China's full-year 2023 smelting and separation quota, a record, up 20.7% on 2022",
        country="CN",
    ),
    Output(
        "reuters_quota_2024total",
        "2024",
        "total_reo",
        "separation",
        "quota",
        2024,
        Decimal(254000),
        "year-to-date 2024 smelting and separation quota after the second batch, up 4.2% on 2023",
        country="CN",
    ),
)

COMPANY_OUTPUTS: tuple[Output, ...] = (
    # China's 2024 first-batch quotas by group (Fastmarkets); the second-batch split is unknown.
    Output(
        "fastmarkets_quota2024",
        "2024-02-06",
        "total_reo",
        "mining",
        "quota",
        2024,
        Decimal(94580),
        "2024 first batch only: CNRE's mining quota, all of it light rare earths "
        "(issued 6 Feb 2024)",
        entity_id="cnre",
    ),
    Output(
        "fastmarkets_quota2024",
        "2024-02-06",
        "light_reo",
        "mining",
        "quota",
        2024,
        Decimal(94580),
        "2024 first batch only: CNRE's light rare-earth mining quota (issued 6 Feb 2024)",
        entity_id="cnre",
    ),
    Output(
        "fastmarkets_quota2024",
        "2024-02-06",
        "total_reo",
        "separation",
        "quota",
        2024,
        Decimal(88010),
        "2024 first batch only: CNRE's smelting and separation quota (issued 6 Feb 2024)",
        entity_id="cnre",
    ),
    Output(
        "fastmarkets_quota2024",
        "2024-02-06",
        "total_reo",
        "mining",
        "quota",
        2024,
        Decimal(40420),
        "2024 first batch only: CREG's total mining quota, now including Xiamen Tungsten and "
        "Guangdong Rare Earth (issued 6 Feb 2024)",
        entity_id="creg",
    ),
    Output(
        "fastmarkets_quota2024",
        "2024-02-06",
        "light_reo",
        "mining",
        "quota",
        2024,
        Decimal(30280),
        "2024 first batch only: light rare-earth part of CREG's mining quota (issued 6 Feb 2024)",
        entity_id="creg",
    ),
    Output(
        "fastmarkets_quota2024",
        "2024-02-06",
        "ion_adsorption_reo",
        "mining",
        "quota",
        2024,
        Decimal(10140),
        "2024 first batch only: ion-adsorption (medium/heavy) part of CREG's mining quota "
        "(issued 6 Feb 2024)",
        entity_id="creg",
    ),
    Output(
        "fastmarkets_quota2024",
        "2024-02-06",
        "total_reo",
        "separation",
        "quota",
        2024,
        Decimal(38990),
        "2024 first batch only: CREG's total smelting and separation quota (issued 6 Feb 2024)",
        entity_id="creg",
    ),
    # Non-Chinese producers.
    Output(
        "mp_fy2024",
        "2025-02-20",
        "total_reo",
        "mining",
        "production",
        2024,
        Decimal(45455),
        "record 2024 output of REO contained in concentrate at Mountain Pass, up 9% on 2023",
        entity_id="mp",
        location_country="US",
    ),
    Output(
        "mp_fy2024",
        "2025-02-20",
        "ndpr",
        "separation",
        "production",
        2024,
        Decimal(1294),
        "NdPr oxide produced at Mountain Pass in 2024",
        entity_id="mp",
        location_country="US",
    ),
    Output(
        "metalnomist_lynas_fy24",
        "2024-09",
        "total_reo",
        "separation",
        "production",
        2024,
        Decimal(10908),
        "Lynas REO output for the fiscal year to June 2024 (down 35%), separated at Lynas "
        "Malaysia; period 2024 means FY2024",
        entity_id="lynas",
        location_country="MY",
    ),
    Output(
        "metalnomist_lynas_fy24",
        "2024-09",
        "ndpr",
        "separation",
        "production",
        2024,
        Decimal(5655),
        "Lynas NdPr oxide output for the fiscal year to June 2024 (down 8%), separated at "
        "Lynas Malaysia; period 2024 means FY2024",
        entity_id="lynas",
        location_country="MY",
    ),
    Output(
        "argus_neo",
        "2023",
        "light_reo",
        "separation",
        "capacity",
        2023,
        Decimal(3000),
        "Neo's existing light rare-earth separation plant at Silmet (Sillamae, Estonia) "
        "has about 3,000 t/yr capacity",
        entity_id="neo",
        location_country="EE",
    ),
)


def output_event(output: Output) -> Json:
    supplier = output.entity_id if output.entity_id is not None else output.country
    if supplier is None or (output.entity_id is not None and output.country is not None):
        raise ValueError("an output needs exactly one of entity_id or country")
    market = f"{COMMODITY}.{output.element_group}.{output.stage}"
    event: Json = {
        "event_id": (
            f"ref:output:{output.source_id}:{supplier}:{market}:{output.period}:{output.measure}"
        ),
        "type": "output_reported",
        "schema_version": SCHEMA_VERSION,
        "occurred_at": timestamp(output.as_of),
        "source": source_json(output.source_id, output.evidence + precision_note(output.as_of)),
    }
    if output.entity_id is not None:
        event["entity_id"] = output.entity_id
    if output.country is not None:
        event["country"] = output.country
    if output.location_country is not None:
        event["location_country"] = output.location_country
    event.update(
        {
            "commodity": COMMODITY,
            "element_group": output.element_group,
            "stage": output.stage,
            "tonnes": number(output.tonnes),
            "period": output.period,
            "measure": output.measure,
        }
    )
    return event


# --------------------------------------------------------------------------------------------
# Stakes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stake:
    holder_id: str
    target_id: str
    as_of: str
    source_id: str
    evidence: str
    pct_after: Decimal | None = None
    controlling: bool | None = None
    consideration: tuple[Decimal, str] | None = None


def _creg_holder(holder_id: str, pct: str, who: str) -> Stake:
    return Stake(
        holder_id,
        "creg",
        "2021-12-23",
        "cmgroup_creg",
        f"{who} holds {pct}% of China Rare Earth Group, founded 23 Dec 2021",
        pct_after=Decimal(pct),
    )


REFERENCE_STAKES: tuple[Stake, ...] = (
    _creg_holder("sasac", "31.21", "SASAC"),
    _creg_holder("chalco", "20.33", "Chalco"),
    _creg_holder("minmetals", "20.33", "China Minmetals"),
    _creg_holder("ganzhou_re", "20.33", "Ganzhou Rare Earth Group"),
    _creg_holder("cisri", "3.9", "CISRI"),
    _creg_holder("grinm", "3.9", "GRINM"),
    Stake(
        "us_dod",
        "mp",
        "2025-07-10",
        "mp_8k_dod",
        "DoD's convertible preferred stock plus warrant come to about 15% of MP as converted "
        "(on shares outstanding at 9 Jul 2025)",
        pct_after=Decimal(15),
    ),
    Stake(
        "shenghe",
        "mp",
        "2022-10",
        "nsenergy_peak_shenghe",
        "Shenghe described as holding approximately 7.75% of MP Materials",
        pct_after=Decimal("7.75"),
    ),
    Stake(
        "shenghe",
        "peak",
        "2022-12",
        "miningweekly_shenghe_peak",
        "Shenghe bought about 19.9% of Peak from Appian Pinnacle (reported 14 Feb 2022); "
        "dated as of Dec 2022 as in the domain reference",
        pct_after=Decimal("19.9"),
    ),
    Stake(
        "shenghe",
        "vietnam_re",
        "2022-10",
        "nsenergy_peak_shenghe",
        "Shenghe described as holding 90% of Vietnam Rare Earth Company",
        pct_after=Decimal(90),
    ),
    Stake(
        "shenghe",
        "etm",
        "2022-10",
        "nsenergy_peak_shenghe",
        "Shenghe described as holding about 9% of Greenland Minerals (now Energy Transition "
        "Minerals)",
        pct_after=Decimal(9),
    ),
    Stake(
        "baogang",
        "cnre",
        "2025",
        "rex_baogang",
        "Baogang is the controlling shareholder of China Northern Rare Earth; the sources give "
        "no percentage, so none is stated",
        controlling=True,
    ),
)

#: The demo deal, kept out of the reference data: replayed on top of it, it should leave
#: control-based indices unchanged (Baogang already controls CNRE).
EXAMPLE_STAKES: tuple[Stake, ...] = (
    Stake(
        "baogang",
        "cnre",
        "2025-06-01",
        "rex_baogang",
        "Baogang spent CNY 1 bn (about US$138m) raising its stake in China Northern Rare Earth, "
        "the first share purchase under China's new refinancing policy for strategic firms; "
        "the article gives no percentage and no exact date (1 Jun 2025 is assumed)",
        controlling=True,
        consideration=(Decimal(1_000_000_000), "CNY"),
    ),
)


def stake_event(stake: Stake, prefix: str) -> Json:
    event: Json = {
        "event_id": f"{prefix}:stake:{stake.holder_id}:{stake.target_id}:{stake.as_of}",
        "type": "stake_changed",
        "schema_version": SCHEMA_VERSION,
        "occurred_at": timestamp(stake.as_of),
        "source": source_json(stake.source_id, stake.evidence + precision_note(stake.as_of)),
        "holder_id": stake.holder_id,
        "target_id": stake.target_id,
    }
    if stake.pct_after is not None:
        event["pct_after"] = number(stake.pct_after)
    if stake.controlling is not None:
        event["controlling"] = stake.controlling
    if stake.consideration is not None:
        amount, currency = stake.consideration
        event["consideration"] = {"amount": str(amount), "currency": currency}
    return event


# --------------------------------------------------------------------------------------------
# Checks and output
# --------------------------------------------------------------------------------------------


def country_hhi(year: int) -> tuple[Decimal, Decimal, Decimal]:
    """(HHI, China share %, total) of USGS mine production; ZZ stays in the total, unsquared."""
    rows = [(r.iso2, r.t2023 if year == 2023 else r.t2024) for r in USGS_MINE_PRODUCTION]
    total = sum((t for _, t in rows), Decimal(0))
    shares = {iso: t * 100 / total for iso, t in rows if iso != OTHER_COUNTRIES and t > 0}
    hhi = sum((s * s for s in shares.values()), Decimal(0))
    return hhi, shares["CN"], total


def check(events: Sequence[Json]) -> None:
    """Catch typos in the literal data before anything is written."""
    ids = [str(e["event_id"]) for e in events]
    duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
    if duplicates:
        raise SystemExit(f"duplicate event ids: {duplicates}")
    registered = {e["entity_id"] for e in events if e["type"] == "entity_registered"}
    for event in events:
        for key in ("entity_id", "holder_id", "target_id"):
            known = event["type"] == "entity_registered" or event.get(key, "") in registered
            if key in event and not known:
                raise SystemExit(f"{event['event_id']}: unknown {key} {event[key]!r}")
    for year, expected in USGS_ROW_SUMS.items():
        _, _, total = country_hhi(year)
        if total != expected:
            raise SystemExit(f"USGS {year} rows add up to {total}, expected {expected}")


def write_jsonl(path: Path, events: Iterable[Json]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for event in events:
            handle.write(json.dumps(event, ensure_ascii=False) + "\n")


def main() -> int:
    reference: list[Json] = [entity_event(e) for e in ENTITIES]
    outputs = [*usgs_outputs(), *CHINA_QUOTAS, *COMPANY_OUTPUTS]
    reference += [output_event(o) for o in outputs]
    reference += [stake_event(s, "ref") for s in REFERENCE_STAKES]
    examples = [stake_event(s, "example") for s in EXAMPLE_STAKES]
    check([*reference, *examples])

    write_jsonl(REFERENCE_OUT, reference)
    write_jsonl(EXAMPLE_OUT, examples)

    counts = Counter(str(e["type"]) for e in reference)
    print(f"wrote {len(reference)} events to {REFERENCE_OUT.relative_to(REPO_ROOT)}")
    for kind, n in counts.items():
        print(f"  {kind}: {n}")
    print(f"wrote {len(examples)} event(s) to {EXAMPLE_OUT.relative_to(REPO_ROOT)}")
    for year in (2023, 2024):
        hhi, china, total = country_hhi(year)
        print(
            f"USGS {year} mine production by country: total {total:,} t, "
            f"HHI {hhi:,.1f}, China {china:.2f}%"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
