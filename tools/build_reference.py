"""Build Monazite's reference dataset: sourced rare-earth facts as JSON Lines input events.

Writes
- `data/reference/events.jsonl`: entity registrations, then outputs (tonnes, and world shares at
  later stages), then ownership (stakes, a joint venture), then policies in date order (export
  controls and their suspension, funding awards, a price floor);
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
Measure = Literal["production", "capacity", "quota", "share"]
Kind = Literal["company", "state", "fund", "person"]
Restriction = Literal["licence", "ban"]
Instrument = Literal["grant", "loan", "equity", "guarantee", "offtake", "tax_credit", "other"]
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
    "iea_gcmo2024_seaisi": SourceDoc(
        "SEAISI (summary of IEA Global Critical Minerals Outlook 2024; secondary)",
        "China to maintain control of REE refining this decade: IEA",
        "https://seaisi.org/details/24787?type=news-rooms",
        "2024-06-03",
    ),
    "rex_neo_narva": SourceDoc(
        "Rare Earth Exchanges (copy at earths-book.com; secondary)",
        "Neo Performance Materials inaugurates its Narva (Estonia) sintered NdFeB magnet plant",
        "http://www.earths-book.com/index-1075.html",
        "2025-12",
    ),
    "smm_shenghe_peak": SourceDoc(
        "SMM (Shanghai Metals Market)",
        "Shenghe Resources accelerates its overseas rare earth resources layout, increases stake "
        "in core rare earth project of target company",
        "https://news.metal.com/newscontent/103325535/",
        "2025-05-15",
    ),
    "smm_cnre_jinlong": SourceDoc(
        "SMM (Shanghai Metals Market)",
        "China Northern Rare Earth plans to invest 153 million to establish a joint venture with "
        "Jinlong Rare Earth to build a 5,000 mt rare earth oxide separation production line",
        "https://news.metal.com/newscontent/103123160/",
        "2025-01-06",
    ),
    "fti_ga_ge_graphite": SourceDoc(
        "FTI Consulting",
        "China's export controls on critical minerals: gallium, germanium and graphite",
        "https://fticonsultingpower.com/insights/"
        "chinas-export-controls-on-critical-minerals-gallium-germanium-and-graphite/",
        "2023-12-12",
    ),
    "reuters_tech_ban": SourceDoc(
        "Reuters (via Nasdaq)",
        "China bans export of rare earths processing technologies",
        "https://www.nasdaq.com/articles/china-bans-export-of-rare-earths-processing-technologies",
        "2023-12-21",
    ),
    "hklaw_ann18": SourceDoc(
        "Holland & Knight",
        "China imposes export controls on medium and heavy rare earth materials",
        "https://hklaw.com/en/insights/publications/2025/04/"
        "china-imposes-export-controls-on-medium-and-heavy-rare-earth-materials",
        "2025-04-04",
    ),
    "vbw_oct2025": SourceDoc(
        "vbw (Vereinigung der Bayerischen Wirtschaft)",
        "China expands export controls on rare earths",
        "https://www.vbw.com/int/News/China-expands-export-controls-on-rare-earths.jsp",
        "2025-10-24",
    ),
    "chemradar_ann70": SourceDoc(
        "ChemRadar",
        "MOFCOM and GAC Announcement No. 70 of 2025 (suspension of six export control "
        "announcements)",
        "https://www.chemradar.com/en/news/detail/f3s7t2oy9qf4",
        "2025-11",
    ),
    "apple_mp": SourceDoc(
        "IT-Online (Apple announcement)",
        "Apple commits $500m to US-made rare earth magnets",
        "https://it-online.co.za/2025/07/16/apple-commits-500m-to-us-made-rare-earth-magnets/",
        "2025-07-16",
    ),
    "magneticsmag_lynas_dod": SourceDoc(
        "Magnetics Magazine",
        "DoD strengthens support for Lynas U.S. facility",
        "https://magneticsmag.com/u-s-dod-strengthens-support-for-lynas-u-s-facility/",
        "2023-08",
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
    Entity(
        "us_government",
        "Government of the United States",
        ("US federal government",),
        "US",
        "state",
        "mp_fy2024",
        "2025-02-20",
        "US federal government, which awarded MP Materials a Section 48C tax credit in 2024",
    ),
    Entity(
        "au_government",
        "Australian Government (Commonwealth of Australia)",
        ("Commonwealth of Australia",),
        "AU",
        "state",
        "kallanish_iluka",
        "2024-12",
        "national government lending to Iluka for the Eneabba refinery",
    ),
    Entity(
        "apple",
        "Apple Inc.",
        ("Apple", "AAPL"),
        "US",
        "company",
        "apple_mp",
        "2025-07-16",
        "US technology company that committed US$500m to buy magnets from MP Materials",
    ),
    Entity(
        "fujian_jinlong",
        "Fujian Jinlong Rare Earth Co., Ltd.",
        ("Jinlong Rare Earth",),
        "CN",
        "company",
        "smm_cnre_jinlong",
        "2025-01-06",
        "associate company of China Northern Rare Earth and its partner in a Baotou separation "
        "joint venture",
    ),
    Entity(
        "cnre_jinlong_jv",
        "Northern Jinlong (Baotou) Rare Earth Co., Ltd.",
        ("Northern Jinlong",),
        "CN",
        "company",
        "smm_cnre_jinlong",
        "2025-01-06",
        "joint venture of China Northern Rare Earth and Fujian Jinlong to build a 5,000 t/yr "
        "REO separation line; the name was still provisional when announced",
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
    """One output figure. Exactly one of `entity_id` / `country` is set.

    `quantity` is tonnes, or percentage points of world supply for the `share` measure.
    """

    source_id: str
    as_of: str
    element_group: str
    stage: Stage
    measure: Measure
    period: int
    quantity: Decimal
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
                    quantity=tonnes,
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


#: World shares at later stages, where the sources give percentages and no tonnes. What a source
#: does not itemise is the unattributed remainder `ZZ` (never squared into an HHI).
STAGE_SHARES: tuple[Output, ...] = (
    Output(
        "iea_gcmo2024_seaisi",
        "2024-06-03",
        "total_reo",
        "separation",
        "share",
        2023,
        Decimal(92),
        "IEA GCMO 2024, as summarised by SEAISI: China produced 92% of the world's refined "
        "rare earths in 2023",
        country="CN",
    ),
    Output(
        "iea_gcmo2024_seaisi",
        "2024-06-03",
        "total_reo",
        "separation",
        "share",
        2023,
        Decimal(5),
        "IEA GCMO 2024 via SEAISI: Malaysia's share of refined rare-earth output is about 5% "
        "today (2023), projected to reach 12% by 2030",
        country="MY",
    ),
    Output(
        "iea_gcmo2024_seaisi",
        "2024-06-03",
        "total_reo",
        "separation",
        "share",
        2023,
        Decimal(3),
        "the part of 2023 refined output the summary does not itemise: 100 - 92 (China) - 5 "
        "(Malaysia) = 3 points; China, Malaysia and Australia together held 98%, but Australia's "
        "own share is not given, so all 3 points stay unattributed",
        country=OTHER_COUNTRIES,
    ),
    Output(
        "rex_neo_narva",
        "2025-12",
        "ndfeb",
        "magnets",
        "share",
        2024,
        Decimal(90),
        "China makes about 90% of the world's rare-earth magnets (the article also says over "
        "90%; rawmaterials.net, 2023: roughly 90 percent); the domain reference gives ~90% for "
        "2023-25, used here for 2024",
        country="CN",
    ),
    Output(
        "rex_neo_narva",
        "2025-12",
        "ndfeb",
        "magnets",
        "share",
        2024,
        Decimal(10),
        "magnet production outside China, not itemised by country: 100 - 90 = 10 points",
        country=OTHER_COUNTRIES,
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
    quantity_key = "share_pct" if output.measure == "share" else "tonnes"
    event.update(
        {
            "commodity": COMMODITY,
            "element_group": output.element_group,
            "stage": output.stage,
            quantity_key: number(output.quantity),
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
    pct_before: Decimal | None = None


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
    Stake(
        "shenghe",
        "peak",
        "2025-05-14",
        "smm_shenghe_peak",
        "Shenghe announced on 14 May 2025 that its subsidiary Ganzhou Chenguang would take 100% "
        "of Peak (it already held 19.9%) for A$158m in total; a later report puts the price at "
        "A$195m and the two are not reconciled; the stake is dated at the announcement, as the "
        "sources give no completion date",
        pct_after=Decimal(100),
        pct_before=Decimal("19.9"),
        consideration=(Decimal(158_000_000), "AUD"),
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
    if stake.pct_before is not None:
        event["pct_before"] = number(stake.pct_before)
    if stake.controlling is not None:
        event["controlling"] = stake.controlling
    if stake.consideration is not None:
        amount, currency = stake.consideration
        event["consideration"] = {"amount": str(amount), "currency": currency}
    return event


@dataclass(frozen=True)
class Venture:
    """A joint venture; a partner's percentage is None when the source does not give it."""

    venture_id: str
    name: str
    partners: tuple[tuple[str, Decimal | None], ...]
    as_of: str
    source_id: str
    evidence: str
    country: str | None = None
    consideration: tuple[Decimal, str] | None = None


REFERENCE_VENTURES: tuple[Venture, ...] = (
    Venture(
        "cnre_jinlong_jv",
        "Northern Jinlong (Baotou) Rare Earth Co., Ltd.",
        (("cnre", None), ("fujian_jinlong", None)),
        "2024-12-31",
        "smm_cnre_jinlong",
        "CNRE announced on 31 Dec 2024 that it will put CNY 153m of its own funds into a new "
        "company with its associate Fujian Jinlong to build a 5,000 t/yr REO separation line in "
        "Baotou; the source gives no split between the partners, so no percentages are stated; "
        "the CNY 153m is CNRE's contribution",
        country="CN",
        consideration=(Decimal(153_000_000), "CNY"),
    ),
)


def venture_event(venture: Venture) -> Json:
    partners: list[Json] = []
    for entity_id, pct in venture.partners:
        partner: Json = {"entity_id": entity_id}
        if pct is not None:
            partner["pct"] = number(pct)
        partners.append(partner)
    event: Json = {
        "event_id": f"ref:venture:{venture.venture_id}:{venture.as_of}",
        "type": "joint_venture_formed",
        "schema_version": SCHEMA_VERSION,
        "occurred_at": timestamp(venture.as_of),
        "source": source_json(venture.source_id, venture.evidence + precision_note(venture.as_of)),
        "venture_id": venture.venture_id,
        "name": venture.name,
    }
    if venture.country is not None:
        event["country"] = venture.country
    event["partners"] = partners
    if venture.consideration is not None:
        amount, currency = venture.consideration
        event["consideration"] = {"amount": str(amount), "currency": currency}
    return event


# --------------------------------------------------------------------------------------------
# Policies: export controls, funding, price floors (in date order)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportControl:
    """An export licence regime or ban. `announced` dates the event; `effective_from` the rule."""

    control_id: str
    announced: str
    source_id: str
    evidence: str
    effective_from: str
    stages: tuple[Stage, ...]
    elements: tuple[str, ...] = ()
    element_groups: tuple[str, ...] = ()
    commodity: str = COMMODITY
    restriction: Restriction = "licence"
    jurisdiction: str = "CN"


@dataclass(frozen=True)
class Suspension:
    """A control stops applying from `effective_from` to `effective_until` (inclusive)."""

    key: str
    control_id: str
    announced: str
    source_id: str
    evidence: str
    effective_from: str
    effective_until: str | None = None


@dataclass(frozen=True)
class Funding:
    funder_id: str
    recipient_id: str
    instrument: Instrument
    amount: Decimal
    currency: str
    as_of: str
    source_id: str
    evidence: str
    purpose: str | None = None


@dataclass(frozen=True)
class PriceFloor:
    jurisdiction: str
    beneficiary_id: str
    element_group: str
    price: Decimal
    currency: str
    as_of: str
    source_id: str
    evidence: str
    effective_from: str
    effective_until: str | None = None
    per_unit: Literal["kg", "t"] = "kg"


Policy = ExportControl | Suspension | Funding | PriceFloor
_ALL_STAGES_BUT_MINING: tuple[Stage, ...] = ("separation", "metals", "magnets")

REFERENCE_POLICIES: tuple[Policy, ...] = (
    Funding(
        "au_government",
        "iluka",
        "loan",
        Decimal(1_250_000_000),
        "AUD",
        "2022",
        "kallanish_iluka",
        "initial A$1.25bn loan facility agreed with Iluka in 2022 for the Eneabba refinery; the "
        "exact date of that loan is not in the sources",
        purpose="Eneabba rare-earth refinery (Western Australia)",
    ),
    Funding(
        "us_dod",
        "lynas",
        "other",
        Decimal(258_000_000),
        "USD",
        "2023-07-31",
        "magneticsmag_lynas_dod",
        "follow-on DoD contract reimbursing construction costs of the heavy rare-earth part of "
        "Lynas' Texas (Seadrift) processing plant; about US$258m allocated, up from about "
        "US$120m in June 2022",
        purpose="construction contract: heavy rare-earth separation plant, Seadrift, Texas",
    ),
    ExportControl(
        "cn-mofcom-2023-gallium",
        "2023-08-01",
        "fti_ga_ge_graphite",
        "China has required export licences for gallium items since 1 Aug 2023; dated at the "
        "effective date because the announcement date is not confirmed by the sources",
        "2023-08-01",
        ("separation", "metals"),
        element_groups=("all",),
        commodity="gallium",
    ),
    ExportControl(
        "cn-mofcom-2023-germanium",
        "2023-08-01",
        "fti_ga_ge_graphite",
        "China has required export licences for germanium items since 1 Aug 2023; dated at the "
        "effective date because the announcement date is not confirmed by the sources",
        "2023-08-01",
        ("separation", "metals"),
        element_groups=("all",),
        commodity="germanium",
    ),
    ExportControl(
        "cn-mofcom-2023-graphite",
        "2023-12-01",
        "fti_ga_ge_graphite",
        "export licences required from 1 Dec 2023 for high-purity synthetic and natural flake "
        "graphite",
        "2023-12-01",
        ("separation",),
        element_groups=("all",),
        commodity="graphite",
    ),
    Funding(
        "us_dod",
        "evac",
        "grant",
        Decimal(94_100_000),
        "USD",
        "2023-12-14",
        "fastmarkets_evac",
        "DoD to provide US$94.1m for equipment and production lines of eVAC's sintered NdFeB "
        "magnet plant in Sumter, South Carolina; dated at the plant announcement",
        purpose="manufacturing equipment for the Sumter, SC magnet plant",
    ),
    ExportControl(
        "cn-mofcom-2023-re-technology",
        "2023-12-21",
        "reuters_tech_ban",
        "revised catalogue of technologies barred from export: rare-earth extraction and "
        "separation, metal and alloy making, and rare-earth magnet making may no longer be "
        "exported",
        "2023-12-21",
        _ALL_STAGES_BUT_MINING,
        element_groups=("all",),
        commodity="rare_earth_technology",
        restriction="ban",
    ),
    Funding(
        "us_government",
        "mp",
        "tax_credit",
        Decimal(58_500_000),
        "USD",
        "2024",
        "mp_fy2024",
        "MP was awarded a US$58.5m Section 48C tax credit for its Independence plant during 2024",
        purpose="Section 48C advanced energy project credit, Independence magnet plant (Texas)",
    ),
    Funding(
        "au_government",
        "iluka",
        "loan",
        Decimal(400_000_000),
        "AUD",
        "2024-12",
        "kallanish_iluka",
        "additional A$400m loan on top of the 2022 A$1.25bn, after the refinery's cost rose to "
        "A$1.7-1.8bn",
        purpose="Eneabba rare-earth refinery (Western Australia)",
    ),
    ExportControl(
        "cn-mofcom-2025-18",
        "2025-04-04",
        "hklaw_ann18",
        "MOFCOM/GAC Announcement No. 18 [2025]: licences needed, from the day of issue, to "
        "export samarium, gadolinium, terbium, dysprosium, lutetium, scandium and yttrium "
        "(metals, alloys, oxides, compounds) and related magnets, among them SmCo and "
        "Tb/Dy-containing NdFeB magnets (so the NdFeB magnet market is named as covered)",
        "2025-04-04",
        _ALL_STAGES_BUT_MINING,
        elements=("Sm", "Gd", "Tb", "Dy", "Lu", "Sc", "Y"),
        element_groups=("ndfeb",),
    ),
    Funding(
        "us_dod",
        "mp",
        "equity",
        Decimal(400_000_000),
        "USD",
        "2025-07-10",
        "mp_8k_dod",
        "DoD agreed to buy US$400m of a new series of MP convertible preferred stock (with a "
        "warrant), conversion price US$30.03",
        purpose="convertible preferred stock",
    ),
    Funding(
        "us_dod",
        "mp",
        "loan",
        Decimal(150_000_000),
        "USD",
        "2025-07-10",
        "mp_8k_dod",
        "US$150m DoD loan, expected within 30 days of the agreement, to add heavy rare-earth "
        "separation at Mountain Pass",
        purpose="samarium / heavy rare-earth separation at Mountain Pass",
    ),
    PriceFloor(
        "US",
        "mp",
        "ndpr",
        Decimal(110),
        "USD",
        "2025-07-10",
        "mp_8k_dod",
        "10-year DoD commitment to a US$110/kg floor for MP's NdPr products sold or stockpiled, "
        "with DoD sharing the upside; the term is counted from the agreement date as the source "
        "gives no start date",
        "2025-07-10",
        "2035-07-10",
    ),
    Funding(
        "apple",
        "mp",
        "offtake",
        Decimal(500_000_000),
        "USD",
        "2025-07-15",
        "apple_mp",
        "Apple's US$500m multi-year commitment to buy US-made magnets from MP's Independence "
        "plant (Fort Worth), with a rare-earth recycling line in California; announced 15 Jul 2025",
        purpose="magnet purchase commitment and recycling partnership",
    ),
    ExportControl(
        "cn-mofcom-2025-oct",
        "2025-10-09",
        "vbw_oct2025",
        "Announcements 55-58, 61 and 62 of 9 Oct 2025: holmium, erbium, thulium, europium and "
        "ytterbium items added to the licence list, with rare-earth equipment and technologies; "
        "parts applied from 8 Nov 2025 and the 0.1% rule for foreign-made goods from 1 Dec 2025",
        "2025-10-09",
        _ALL_STAGES_BUT_MINING,
        elements=("Ho", "Er", "Tm", "Eu", "Yb"),
    ),
    Suspension(
        "cn-mofcom-2025-70",
        "cn-mofcom-2025-oct",
        "2025-11-07",
        "chemradar_ann70",
        "MOFCOM/GAC Announcement No. 70 of 7 Nov 2025 suspends Announcements 55-58, 61 and 62 "
        "with immediate effect until 10 Nov 2026; the April 2025 controls (No. 18) are not "
        "suspended",
        "2025-11-07",
        "2026-11-10",
    ),
)


def iso_day(day: str) -> str:
    """A full YYYY-MM-DD date, checked (policy dates are never padded)."""
    if timestamp(day)[:10] != day:
        raise ValueError(f"{day!r}: policy dates must be full YYYY-MM-DD dates")
    return day


def policy_date(policy: Policy) -> str:
    if isinstance(policy, ExportControl | Suspension):
        return policy.announced
    return policy.as_of


def policy_event(policy: Policy) -> Json:
    date = policy_date(policy)
    event: Json = {
        "event_id": "",
        "type": "",
        "schema_version": SCHEMA_VERSION,
        "occurred_at": timestamp(date),
        "source": source_json(policy.source_id, policy.evidence + precision_note(date)),
    }
    match policy:
        case ExportControl():
            event["event_id"] = f"ref:policy:{policy.control_id}"
            event["type"] = "export_control_imposed"
            event.update(
                {
                    "control_id": policy.control_id,
                    "jurisdiction": policy.jurisdiction,
                    "commodity": policy.commodity,
                    "elements": list(policy.elements),
                    "element_groups": list(policy.element_groups),
                    "stages": list(policy.stages),
                    "restriction": policy.restriction,
                    "effective_from": iso_day(policy.effective_from),
                }
            )
        case Suspension():
            event["event_id"] = f"ref:policy:{policy.key}"
            event["type"] = "export_control_suspended"
            event["control_id"] = policy.control_id
            event["effective_from"] = iso_day(policy.effective_from)
            if policy.effective_until is not None:
                event["effective_until"] = iso_day(policy.effective_until)
        case Funding():
            event["event_id"] = (
                f"ref:policy:funding:{policy.funder_id}:{policy.recipient_id}:"
                f"{policy.instrument}:{policy.as_of}"
            )
            event["type"] = "funding_awarded"
            event.update(
                {
                    "funder_id": policy.funder_id,
                    "recipient_id": policy.recipient_id,
                    "instrument": policy.instrument,
                    "amount": {"amount": str(policy.amount), "currency": policy.currency},
                }
            )
            if policy.purpose is not None:
                event["purpose"] = policy.purpose
        case PriceFloor():
            event["event_id"] = (
                f"ref:policy:price-floor:{policy.jurisdiction.lower()}:{policy.beneficiary_id}:"
                f"{policy.element_group}:{policy.effective_from}"
            )
            event["type"] = "price_floor_set"
            event.update(
                {
                    "jurisdiction": policy.jurisdiction,
                    "beneficiary_id": policy.beneficiary_id,
                    "commodity": COMMODITY,
                    "element_group": policy.element_group,
                    "price": {"amount": str(policy.price), "currency": policy.currency},
                    "per_unit": policy.per_unit,
                    "effective_from": iso_day(policy.effective_from),
                }
            )
            if policy.effective_until is not None:
                event["effective_until"] = iso_day(policy.effective_until)
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


def share_hhi(stage: Stage, element_group: str, period: int) -> tuple[Decimal, Decimal]:
    """(HHI, sum of shares) of a `share` series; the ZZ remainder is never squared."""
    rows = [
        s
        for s in STAGE_SHARES
        if (s.stage, s.element_group, s.period) == (stage, element_group, period)
    ]
    hhi = sum((s.quantity**2 for s in rows if s.country != OTHER_COUNTRIES), Decimal(0))
    return hhi, sum((s.quantity for s in rows), Decimal(0))


_REFERENCE_KEYS = ("holder_id", "target_id", "funder_id", "recipient_id", "beneficiary_id")
_POLICY_TYPES = frozenset(
    {
        "export_control_imposed",
        "export_control_suspended",
        "export_control_lifted",
        "funding_awarded",
        "price_floor_set",
        "quota_set",
        "tariff_imposed",
    }
)


def _referenced(event: Json) -> list[tuple[str, str]]:
    """(role, entity id) for every entity an event names; registrations name none."""
    if event["type"] == "entity_registered":
        return []
    named = [(key, str(event[key])) for key in ("entity_id", *_REFERENCE_KEYS) if key in event]
    if event["type"] == "joint_venture_formed":
        named.append(("venture_id", str(event["venture_id"])))
        partners = event["partners"]
        assert isinstance(partners, list)
        for i, partner in enumerate(partners):
            assert isinstance(partner, dict)
            named.append((f"partners[{i}].entity_id", str(partner["entity_id"])))
    return named


def check(events: Sequence[Json]) -> None:
    """Catch typos in the literal data before anything is written.

    Every entity must be registered earlier in the file, stakes in one target must not sum above
    100, policies must come in date order, and a suspension after the control it suspends.
    """
    ids = [str(e["event_id"]) for e in events]
    duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
    if duplicates:
        raise SystemExit(f"duplicate event ids: {duplicates}")
    registered: set[str] = set()
    stakes: dict[str, dict[str, Decimal]] = {}
    controls: set[str] = set()
    last_policy = ""
    for event in events:
        event_id = event["event_id"]
        if event["type"] == "entity_registered":
            registered.add(str(event["entity_id"]))
        for role, entity_id in _referenced(event):
            if entity_id not in registered:
                raise SystemExit(f"{event_id}: {role} {entity_id!r} is not registered before it")
        if event["type"] == "stake_changed" and "pct_after" in event:
            held = stakes.setdefault(str(event["target_id"]), {})
            held[str(event["holder_id"])] = Decimal(str(event["pct_after"]))
            if sum(held.values(), Decimal(0)) > 100:
                raise SystemExit(f"{event_id}: stakes in {event['target_id']!r} exceed 100%")
        if event["type"] in _POLICY_TYPES:
            occurred = str(event["occurred_at"])
            if occurred < last_policy:
                raise SystemExit(f"{event_id}: policies are not in date order")
            last_policy = occurred
        if event["type"] == "export_control_imposed":
            controls.add(str(event["control_id"]))
        elif (
            event["type"] in ("export_control_suspended", "export_control_lifted")
            and event["control_id"] not in controls
        ):
            raise SystemExit(f"{event_id}: control {event['control_id']!r} not imposed before")
    for market in {(s.stage, s.element_group, s.period) for s in STAGE_SHARES}:
        _, total = share_hhi(*market)
        if total != 100:
            raise SystemExit(f"shares of {market} add up to {total}, not 100")
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
    reference += [output_event(o) for o in STAGE_SHARES]
    reference += [stake_event(s, "ref") for s in REFERENCE_STAKES]
    reference += [venture_event(v) for v in REFERENCE_VENTURES]
    reference += [policy_event(p) for p in REFERENCE_POLICIES]
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
    separation_hhi, _ = share_hhi("separation", "total_reo", 2023)
    if separation_hhi != 92**2 + 5**2:
        raise SystemExit(f"separation 2023 share HHI is {separation_hhi}, expected 8,489")
    print(
        f"IEA 2023 refined (separation) shares by country: HHI {separation_hhi:,} "
        "(92^2 + 5^2; the 3-point remainder ZZ is not squared), China 92%"
    )
    magnets_hhi, _ = share_hhi("magnets", "ndfeb", 2024)
    print(f"2024 NdFeB magnet shares by country: HHI {magnets_hhi:,} (90^2), China 90%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
