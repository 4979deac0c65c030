"""What every rule reads in a sentence, and the readings several rules share. Pure.

`Sentence` is one sentence with the entities, money, percentages, tonnes and dates it gives and
what the sentences around it say; `Reading` is the article being read; `Draft` is what a rule
found before it becomes an event. The shared readings: consideration, jurisdiction, stages,
element group, year, hedges and denials.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from monazite_producer.news.article import Article
from monazite_producer.news.country_names import country_mentions
from monazite_producer.news.entities import EntityDirectory, Mention
from monazite_producer.news.quantities import (
    DateMention,
    Money,
    Quantity,
    find_years,
)

#: The highest confidence of a candidate that rests on something a person should confirm.
REVIEW_CAP = 0.6

#: Deals and measures are news when they happen; one the article dates this many days before
#: its own date is history retold ("the agreement the two sides struck in July, when …").
HISTORY_DAYS = 45

#: The highest confidence of a fact whose company is named in another sentence only ("the
#: company", "the plant"): still published, but below a sentence that names everything itself.
REFERRED_CAP = 0.75

#: "WASHINGTON, July 10, 2025 - ": the place is where the news was written, not a party.
DATELINE = re.compile(r"^[A-Z][A-Z .'/-]+,\s+[^-—–]{3,50}?\s[-—–]+\s")

_HEDGE = re.compile(
    r"\b(?:reportedly|rumou?r\w*|speculat\w*|people familiar|sources said|according to sources"
    r"|is said to|are said to|considering|weighing|in (?:advanced |early |exclusive )?talks"
    r"|in (?:advanced )?negotiations|exploring|could|might|plans? to"
    r"|planning to|intends? to|aims? to|aiming|aims? for|hopes? to|seeks? to|proposed|expected to"
    r"|would|non-binding|term sheet|memorandum of understanding|letter of intent"
    r"|heads of agreement)\b"
    # "may" in lower case only: "May" is a month.
    r"|(?-i:\bmay\b)",
    re.I,
)


ELEMENTS: dict[str, str] = {
    "scandium": "Sc",
    "yttrium": "Y",
    "lanthanum": "La",
    "cerium": "Ce",
    "praseodymium": "Pr",
    "neodymium": "Nd",
    "promethium": "Pm",
    "samarium": "Sm",
    "europium": "Eu",
    "gadolinium": "Gd",
    "terbium": "Tb",
    "dysprosium": "Dy",
    "holmium": "Ho",
    "erbium": "Er",
    "thulium": "Tm",
    "ytterbium": "Yb",
    "lutetium": "Lu",
}

_STAGE_WORDS: tuple[tuple[str, str], ...] = (
    (r"\bmagnets?\b|\bndfeb\b", "magnets"),
    (r"\bmetals?\b|\balloys?\b", "metals"),
    (
        # ("a separate duty" is no separation)
        r"\boxides?\b|\bcompounds?\b|\bseparat(?!ely\b|e\b)\w*|(?<!\ba )(?<!\bthe )\bseparate\b"
        r"|\brefin\w*"
        r"|\bsmelting\b|\bprocessing\b",
        "separation",
    ),
    (
        r"\bmining\b|\bmined\b|\bmines?\b|\bore\b|\bconcentrate\b|\bdig\b|\bdug\b"
        r"|(?<!solvent )\bextract(?:ed|ion)\b",
        "mining",
    ),
)

_JURISDICTIONS: tuple[tuple[str, str], ...] = (
    (r"\bchina\b|\bchinese\b|\bbeijing\b|\bmofcom\b|commerce ministry", "CN"),
    (
        r"\bunited states\b|\bu\.s\.|\bus\b|\bwashington\b|\bamerican\b|\bwhite house\b"
        r"|\bsection (?:232|301)\b|\bpentagon\b|\bustr\b|bureau of industry and security",
        "US",
    ),
    (r"\baustralia\w*\b|\bcanberra\b|\bthe commonwealth\b", "AU"),
    (r"\bcanada\b|\bcanadian\b|\bottawa\b", "CA"),
    (r"\bjapan\w*\b|\btokyo\b", "JP"),
    (r"\bmalaysia\w*\b", "MY"),
    (r"\bvietnam\w*\b", "VN"),
    (r"\bmyanmar\b", "MM"),
    (r"\bindia\b|\bindian\b|\bdgft\b|directorate general of foreign trade", "IN"),
    # Capitals standing for their governments: "Hanoi lifts its mining ceiling".
    (r"\bhanoi\b", "VN"),
    (r"\bputrajaya\b|\bkuala lumpur\b", "MY"),
    (r"\bnew delhi\b", "IN"),
    (r"\bjakarta\b", "ID"),
    (r"\bmanila\b", "PH"),
    (r"\bbangkok\b", "TH"),
    (r"\bvientiane\b", "LA"),
    (r"\bnaypyidaw\b|\bnay pyi taw\b", "MM"),
    (r"\bseoul\b", "KR"),
    (r"\bastana\b", "KZ"),
    (r"\bbras[ií]lia\b", "BR"),
    (r"\bpretoria\b", "ZA"),
    (r"\bdodoma\b", "TZ"),
    (r"\bharare\b", "ZW"),
    (r"\bankara\b", "TR"),
)


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    mentions: list[Mention]
    money: list[Money]
    percentages: list[Quantity]
    tonnes: list[Quantity]
    dates: list[DateMention]
    #: The one company the sentences just before named, for a sentence that refers back to it
    #: ("The plant …", "The company …") instead of naming it.
    antecedent: Mention | None = None
    #: The company the sentence before opened with, for "the conglomerate said it had …" after
    #: a sentence naming two companies.
    prior_subject: Mention | None = None
    #: The company the article is about, from its title or opening: in a filing "the company"
    #: is the issuer even where the sentences just before named others.
    issuer: Mention | None = None
    #: The sentences on either side, for a fact whose date is said just before or just after it
    #: ("… issued the notice on Friday." / "The ban took effect yesterday.").
    previous_text: str = ""
    previous_dates: list[DateMention] = field(default_factory=list)
    #: The next few sentences with their dates, for a measure whose terms are spelt out over
    #: several sentences ("Announcement No. 70, published on Friday, … The suspension applies
    #: immediately and runs until …").
    following: tuple[tuple[str, list[DateMention]], ...] = ()
    #: The latest year the article has given a figure for so far (none after its own date):
    #: what "a year earlier" counts back from when the sentence names no year itself.
    context_year: int | None = None
    #: The sentences just before, as read (their own `earlier` empty): a filing gives the
    #: holding before a deal a few lines above the holding after it.
    earlier: tuple[Sentence, ...] = ()
    #: For an item of a list, the words that introduce it: the line before the list ("The
    #: decision lists the allowances for the year as follows:") and, for an item nested under
    #: another, that item ("Export of separated oxides: 2,200 tonnes").
    lead: str = ""
    #: For the first line of a record of "Key: value" lines (a deal tracker's entry, a
    #: substantial-holder form, a register entry), every key and value of the record.
    record: tuple[tuple[str, str], ...] = ()
    #: The heading in capitals above the sentence, if any ("SIGNED, NOT COMPLETED").
    section: str = ""

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def next_text(self) -> str:
        return self.following[0][0] if self.following else ""

    @property
    def next_dates(self) -> list[DateMention]:
        return self.following[0][1] if self.following else []

    def after(self, position: int) -> list[Mention]:
        return [m for m in self.mentions if m.start >= position]

    def before(self, position: int) -> list[Mention]:
        return [m for m in self.mentions if m.end <= position]

    @property
    def referent(self) -> Mention | None:
        """Whom "the company" in this sentence means: the company just named, else the
        article's issuer."""
        return self.antecedent or self.issuer


@dataclass
class Draft:
    """What a rule found in one sentence, before it becomes a validated event."""

    fields: dict[str, Any]
    confidence: float = 0.9
    notes: list[str] = field(default_factory=list)
    parties: list[Mention] = field(default_factory=list)
    money: Money | None = None
    occurred: date | None = None

    def cap(self, limit: float, note: str) -> None:
        self.confidence = min(self.confidence, limit)
        self.notes.append(note)


Rule = Callable[[Sentence, "Reading"], list[Draft]]


@dataclass(frozen=True)
class Reading:
    article: Article
    directory: EntityDirectory
    article_date: date | None
    #: The stage whose output the article is about ("world rare-earth mine output …"), for
    #: figures that name no stage of their own.
    output_topic: str | None = None


#: "the company" as the subject: a sentence that refers to a company without naming it.
THE_COMPANY = re.compile(
    r"\b(?:the|The) (?:state |mining |metals )?(?:[Cc]ompany|[Gg]roup|issuer|conglomerate|firm"
    r"|miner|producer)\b(?!'s)|^(?:It|Its)\b"
)

#: Nouns a hedge may describe without hedging the fact: "a magnet industry it hopes to build"
#: hedges the industry, not the ban; "the ban it could impose" hedges the ban itself.
_FACT_NOUNS = re.compile(
    r"^(?:ban|bans|control|controls|stake|deal|merger|venture|tariff|duty|quota|loan|grant"
    r"|acquisition|purchase|sale|floor|investment|restriction|restrictions|measure|measures"
    r"|rule|rules|output|capacity|production)$"
)

_RELATIVE_SUBJECT = re.compile(r"\b(?P<noun>[a-z]+)\s+(?:it|they|we|he|she)\s+$")

_REPORTING_VERBS = frozenset(
    "said says say told added noted stated announced confirmed believes believe thinks think"
    " argued explained warned expects expected".split()
)


#: A completed deal reported before a "would" of reported speech.
_DONE_BEFORE = re.compile(
    r"\b(?:had|has|have) been (?:merged|absorbed|completed|closed|acquired|sold|bought|signed"
    r"|approved|registered|transferred)\b",
    re.I,
)

#: A modal that forbids or restricts rather than hedges: "exporters may no longer ship", "may
#: not export", "may be shipped out of Malaysia only under a permit".
_PROHIBITION = re.compile(
    r"(?:may|can|could) (?:no longer|not)\b"
    # "may be shipped out of Malaysia only under a permit", "may leave only after separation"
    r"|(?:may|can) (?:only )?(?:be (?:shipped|exported|sold)|leave)\b[^.;]{0,60}?\bonly\b",
    re.I,
)


def hedge(text: str) -> re.Match[str] | None:
    """The first hedge that bears on the sentence's fact. A hedge inside a clause that only
    describes a noun ("for an industry it hopes to build") is left out."""
    for match in _HEDGE.finditer(text):
        if _PROHIBITION.match(text, match.start()):
            continue  # "may no longer ship": a rule, not a maybe
        if match.group().lower() == "would" and _DONE_BEFORE.search(text[: match.start()]):
            continue  # "said X had been merged and would cease to exist": reported, not hedged
        relative = _RELATIVE_SUBJECT.search(text[max(0, match.start() - 40) : match.start()])
        if (
            relative is not None
            and relative["noun"] not in _REPORTING_VERBS
            and not _FACT_NOUNS.match(relative["noun"])
        ):
            continue
        return match
    return None


def is_company(mention: Mention, directory: EntityDirectory) -> bool:
    known = directory.entities.get(mention.entity_id)
    return known is None or known.kind == "company"


def occurred_on(sentence: Sentence, reading: Reading) -> date | None:
    limit = reading.article_date
    for mention in sentence.dates:
        if _IN_DESCRIPTION.search(sentence.text[: mention.start]):
            continue  # "…, the stake it took when the group was founded in December 2021"
        if _DOCUMENT_DATED.search(sentence.text[max(0, mention.start - 30) : mention.start]):
            continue  # "Under the Agreement and Plan of Merger dated November 14, 2027, …"
        if limit is None or mention.value <= limit:
            return mention.value
    return reading.article_date


#: The date of a document the sentence cites, not of what it tells.
_DOCUMENT_DATED = re.compile(r"\bdated\s+(?:as of\s+)?$")

#: "Of that, 5,655t was NdPr": a part of the figure the sentence before gave.
#: A share of the figure the sentence before gave: "Of the total in Article 1, 600 tonnes …".
PART_OF_TOTAL = re.compile(
    r"^(?:Of (?:that|this|which|these|those|the (?:total|quota|amount|volume))|Within (?:that"
    r"|this|the total))\b"
)


def consideration(sentence: Sentence) -> Money | None:
    """The sum paid: the first amount that is not a conversion in brackets of another amount."""
    for index, money in enumerate(sentence.money):
        before = sentence.text[max(0, money.start - 12) : money.start]
        if index > 0 and ("(" in before or re.search(r"\bor\b", before)):
            continue
        if _IN_DESCRIPTION.search(sentence.text[: money.start]):
            continue  # "Peak, the company it took private last year for A$158m, …"
        if _PER_SHARE.match(sentence.text[money.end :]):
            continue  # "at US$12.50 each, for a total of US$600 million": a price per share
        return money
    return None


#: A price per share, not the sum paid.
_PER_SHARE = re.compile(r"^\s*(?:each|apiece|a share|per share|per unit)\b", re.I)

#: Money inside a phrase describing a name: ", the company it took private for …". (A
#: relative clause on the buyer, ", which paid RMB 800 million", gives the deal's price.)
_IN_DESCRIPTION = re.compile(
    r",\s+(?:the|an?)\s+[^,;]{0,60}?\b(?:it|they)\s+[^,;]*$",
    re.I,
)


def consideration_field(money: Money | None) -> dict[str, Any] | None:
    if money is None:
        return None
    return {"amount": str(money.amount), "currency": money.currency}


def jurisdiction_named(text: str) -> str | None:
    """The country `text` is about: the first of the usual rare-earth policy makers it names (in
    the order of `_JURISDICTIONS`), else the first country of the ISO list it names."""
    lowered = text.lower()
    for pattern, code in _JURISDICTIONS:
        if re.search(pattern, lowered):
            return code
    return next((m.code for m in country_mentions(text)), None)


def jurisdiction_mentions(text: str) -> list[tuple[int, int, str]]:
    """Every country word of `text` as (start, end, code), left to right, leaving out the
    dateline (where the news was written) and currencies ("US$")."""
    lowered = text.lower()
    dateline = DATELINE.match(text)
    skip = dateline.end() if dateline else 0
    found = [
        (m.start(), m.end(), code)
        for pattern, code in _JURISDICTIONS
        for m in re.finditer(pattern, lowered)
        if m.start() >= skip and not lowered.startswith("$", m.end())
    ]
    found += [(m.start, m.end, m.code) for m in country_mentions(text) if m.start >= skip]
    # One mention per span: the longer of two overlapping spellings ("South Korea", "Korea").
    kept: list[tuple[int, int, str]] = []
    for start, end, code in sorted(found, key=lambda f: (f[0], f[0] - f[1])):
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end, code))
    return kept


#: A country named as the far side of a measure: "exports to China", "refineries in Japan",
#: "imported from China", "a deal with the United States".
COUNTRY_AS_OBJECT = re.compile(
    r"\b(?:to|in|into|from|with|against|for|across|outside|on)\s+(?:the\s+)?$", re.I
)


#: Goods leaving the country whose exports are controlled: "exported from Zimbabwe", "leave
#: the Philippines".
_LEAVING = re.compile(
    r"\b(?:exported|shipped|sent|exports?|shipments?)\s+(?:[\w-]+\s+){0,3}?from\s+(?:the\s+)?$"
    r"|\bleav(?:e|es|ing)\s+(?:the\s+)?$",
    re.I,
)


def label_country(sentence: Sentence) -> str | None:
    """The country a short label just before the sentence names: "TURKIYE.", "[MW] Malawi.",
    "1. Mongolia - licences for rare-earth ore" heading a round-up's item."""
    label = sentence.previous_text
    if len(label.split()) <= 4 or re.match(r"^\(?\d{1,2}[.)]\s+[A-Z][\w ]{2,30}\s+[-–—:]", label):
        return jurisdiction_named(label)
    return None


def policy_jurisdiction(text: str, anchor: int) -> str | None:
    """The country taking a measure whose wording starts at `anchor`: the last country named
    before it as a subject ("Malaysia's ban", "China imposed"), else the first after it; a
    country that is the object of a preposition is where goods go or come from, not who acts."""
    acting = [
        (start, code)
        for start, _end, code in jurisdiction_mentions(text)
        if not COUNTRY_AS_OBJECT.search(text[max(0, start - 20) : start])
        or _LEAVING.search(text[max(0, start - 40) : start])
    ]
    before = [code for start, code in acting if start < anchor]
    if before:
        return before[-1]
    after = [code for start, code in acting if start >= anchor]
    return after[0] if after else None


STAGE_ORDER = ("mining", "separation", "metals", "magnets", "recycling")


def stages_named(text: str) -> list[str]:
    lowered = text.lower()
    found = [stage for pattern, stage in _STAGE_WORDS if re.search(pattern, lowered)]
    return sorted(set(found), key=STAGE_ORDER.index)


def element_group(text: str) -> str | None:
    lowered = text.lower()
    if re.search(
        r"\bndpr\b|\bprnd\b|\bpr-nd\b|neodymium[- ]praseodymium|praseodymium[- ]neodymium"
        r"|neodymium and praseodymium|praseodymium and neodymium",
        lowered,
    ):
        return "ndpr"
    if re.search(r"\bion[- ]adsorption\b|\bionic clays?\b", lowered):
        return "ion_adsorption_reo"
    if re.search(r"\bheavy rare[- ]earth|medium and heavy", lowered):
        return "heavy_reo"
    if re.search(r"\blight rare[- ]earth", lowered):
        return "light_reo"
    if re.search(r"\brare[- ]earth", lowered):
        return "total_reo"
    return None


def year_of(sentence: Sentence, reading: Reading) -> int | None:
    years = find_years(sentence.text)
    relative = re.search(r"\b(?:last|this) year\b", sentence.lower)
    # "produced 47,310 t last year, 4% more than in 2024": 2024 is the comparison.
    compared = relative is not None and _only_compared_years(sentence.text)
    if years and not compared:
        return years[0]
    fiscal = re.search(r"\bFY ?(20\d\d)\b", sentence.text)
    if fiscal:
        return int(fiscal.group(1))
    for bare in re.finditer(r"\b(?:19|20)\d\d\b", sentence.text):
        if not compared and not any(d.start <= bare.start() < d.end for d in sentence.dates):
            return int(bare.group())
    if reading.article_date is not None and re.search(r"\blast year\b", sentence.lower):
        return reading.article_date.year - 1
    if reading.article_date is not None and re.search(r"\bthis year\b", sentence.lower):
        return reading.article_date.year
    return None


def _only_compared_years(text: str) -> bool:
    """Whether every year the text names is one compared with ("more than in 2024")."""
    return all(
        re.search(
            r"\b(?:than|compared (?:with|to)|versus|against|from)\s+(?:in\s+|the\s+)?$",
            text[max(0, found.start() - 20) : found.start()],
        )
        for found in re.finditer(r"\b(?:19|20)\d\d\b", text)
    )


def state_first(mentions: Sequence[Mention], directory: EntityDirectory) -> list[Mention]:
    return sorted(
        mentions,
        key=lambda m: 0 if (e := directory.entities.get(m.entity_id)) and e.kind == "state" else 1,
    )


def distinct(mentions: Sequence[Mention]) -> list[Mention]:
    seen: set[str] = set()
    unique = []
    for mention in mentions:
        if mention.entity_id not in seen:
            seen.add(mention.entity_id)
            unique.append(mention)
    return unique


#: An export quota in other words: "the volume permitted for export", "allowed to be exported".
EXPORT_ALLOWED = (
    r"\bexport quotas?\b|\b(?:allowed|permitted|authori[sz]ed|licensed) (?:for export|to be"
    r" exported)\b"
    # "exports … are capped at 38,000 tonnes", "will let no more than 1,200 tonnes … leave"
    r"|\bexports?\b[^.;]{0,80}?\b(?:capped|limited) (?:at|to)\b"
    r"|\bno more than\b[^.;]{0,60}?\b(?:leave the country|be exported|be shipped abroad)\b"
    # "has capped exports of rare-earth concentrate at 9,500 tonnes"
    r"|\b(?:capped|limited|capping|limiting|caps|limits)\s+exports?\b[^.;]{0,80}?\b(?:at|to)\b"
)

#: How articles speak of a quota: "mining quota", "allowances", "allocated 40,000 tonnes",
#: "allowed 270,000 tonnes to be mined", "a production cap".
QUOTA_WORDS = re.compile(
    r"\bquotas?\b|\ballowances?\b|\ballocat\w*|\ballot\w*"
    # China's "total-quantity control indicators" for mining and separation
    r"|\b(?:control|mining|separation|smelting|production)\s+indicators?\b"
    r"|\b(?:allowed|permitted|authori[sz]ed)\b[^.;]{0,60}?\bto be (?:mined|produced|extracted"
    r"|smelted|separated|refined|processed)\b"
    r"|\b(?:production|mining|output|smelting|separation) (?:caps?|ceilings?|limits?)\b"
    # "Mining will be capped at 12,000 tonnes", "Separation will be allowed up to 5,000 tonnes"
    r"|\b(?:production|mining|output|smelting|separation)\b[^.;]{0,30}?\b(?:will be|is|are)"
    r" (?:(?:capped|limited) (?:at|to)|allowed up to)\b"
    r"|" + EXPORT_ALLOWED,
    re.I,
)

#: "tonnes of rare-earth oxide": the unit of a quota, which says nothing of its stage.
_OXIDE_UNIT = re.compile(
    r"\b(?:tonnes|tons|t)\s+of\s+(?:(?:ion[- ]adsorption|light|heavy|medium(?: and heavy)?)\s+)?"
    r"(?:\([^)]{1,30}\)\s+)?(?:rare[- ]earth\s+)?oxides?(?:\s+equivalent)?(?:\s+\(REO\))?",
    re.I,
)


def without_oxide_unit(text: str) -> str:
    """`text` with "tonnes of rare-earth oxide" read as plain tonnes, every offset kept: the
    unit a figure is counted in names no stage."""
    return _OXIDE_UNIT.sub(lambda unit: "t" + " " * (len(unit.group()) - 1), text)


def stage_positions(text: str) -> list[tuple[int, str]]:
    lowered = text.lower()
    return sorted(
        (m.start(), stage) for pattern, stage in _STAGE_WORDS for m in re.finditer(pattern, lowered)
    )


def first_stage(text: str) -> str | None:
    positions = stage_positions(text)
    return positions[0][1] if positions else None


#: First person in an interview or a release: the company speaking.
FIRST_PERSON = re.compile(r"\b(?:we|us|our)\b", re.I)


#: Critical minerals other than rare earths that controls and shares are told of.
OTHER_COMMODITIES = (
    "gallium",
    "germanium",
    "graphite",
    "antimony",
    "tungsten",
    "indium",
    "bismuth",
    "tellurium",
    "molybdenum",
    "lithium",
    "cobalt",
    "nickel",
    "copper",
    "tin",
    "manganese",
    "vanadium",
    "niobium",
    "tantalum",
    "zirconium",
    "hafnium",
)


def other_commodities_named(lowered: str) -> set[str]:
    """The commodities other than rare earths that lower-cased text names."""
    return {word for word in OTHER_COMMODITIES if re.search(rf"\b{word}\b", lowered)}
