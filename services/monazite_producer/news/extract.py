"""Rule-based extraction of candidate events from one article, sentence by sentence. Pure.

Each sentence is read for the entities it names, the money, percentages, tonnes and dates it
gives, and the words that make it a stake change, a merger, a joint venture, funding, an export
control, a quota, a price floor or an output figure. A denied sentence yields nothing; a rumoured
or planned one yields a candidate of low confidence (it goes to review). Numbers come only from the
sentence: a stake bought for a sum but with no percentage has no `pct_after`.

Confidence starts at 0.9 for a sentence that names every party and figure the event needs, and is
lowered for hedges, assumptions and organisations that are not registered yet (a candidate naming
a proposed entity always waits for review, with the proposed registration).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import pydantic

from monazite_core.events import (
    EntityRegistered,
    Source,
    parse_input_event,
)
from monazite_producer.news.article import Article
from monazite_producer.news.candidates import Candidate, Evidence, Sighting, merge_reports
from monazite_producer.news.country_names import country_mentions
from monazite_producer.news.entities import EntityDirectory, Mention
from monazite_producer.news.fx import FxRates
from monazite_producer.news.quantities import (
    DateMention,
    Money,
    Quantity,
    find_dates,
    find_money,
    find_percentages,
    find_tonnes,
    find_years,
    plain,
)

#: Confidence below which a candidate is not published but queued for review (the default of
#: `monazite extract --publish --threshold`).
DEFAULT_THRESHOLD = 0.7
#: The highest confidence of a candidate that rests on something a person should confirm.
REVIEW_CAP = 0.6
#: The highest confidence of a fact whose company is named in another sentence only ("the
#: company", "the plant"): still published, but below a sentence that names everything itself.
REFERRED_CAP = 0.75

_ABBREVIATIONS = re.compile(
    r"\b(?:Co|Ltd|Inc|Corp|No|Nos|Mr|Ms|Dr|St|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
    r"|U\.S|e\.g|i\.e|vs|approx)\.$"
)
#: "WASHINGTON, July 10, 2025 - ": the place is where the news was written, not a party.
_DATELINE = re.compile(r"^[A-Z][A-Z .'/-]+,\s+[^-—–]{3,50}?\s[-—–]+\s")
_DENIAL = re.compile(
    r"\b(?:denied|denies|deny|dismissed|rejected (?:the |a )?(?:report|claim)s?|not in talks"
    r"|no plans? to|never|false|untrue|groundless|baseless|unfounded|without (?:any )?basis"
    r"|inaccurate)\b",
    re.I,
)
#: A negated verb denies the news, unless it only says what was not disclosed.
_NEGATED = re.compile(
    r"\b(?:has|had|did|have) not\b(?!\s+(?:already\s+|yet\s+)?(?:disclos|give|given|say|said"
    r"|reveal|specif|comment|respond|own|hold|held|name|named|provide|been\s+disclosed)\w*)",
    re.I,
)
#: "… that the company did not already own": a clause describing something, not the news.
_RELATIVE_CLAUSE = re.compile(r"\b(?:that|which|who|whom)\b[^,;]{0,40}$", re.I)


def _denies(text: str) -> bool:
    if _DENIAL.search(text):
        return True
    return any(
        not _RELATIVE_CLAUSE.search(text[: negated.start()]) for negated in _NEGATED.finditer(text)
    )


_HEDGE = re.compile(
    r"\b(?:reportedly|rumou?r\w*|speculat\w*|people familiar|sources said|according to sources"
    r"|is said to|are said to|considering|weighing|in talks|exploring|could|might|plans? to"
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
        r"\boxides?\b|\bcompounds?\b|\bseparat(?!ely)\w*|\brefin\w*|\bsmelting\b|\bprocessing\b",
        "separation",
    ),
    (
        r"\bmining\b|\bmined\b|\bmine\b|\bore\b|\bconcentrate\b|\bdig\b|\bdug\b"
        r"|(?<!solvent )\bextract(?:ed|ion)\b",
        "mining",
    ),
)
_JURISDICTIONS: tuple[tuple[str, str], ...] = (
    (r"\bchina\b|\bchinese\b|\bbeijing\b|\bmofcom\b|commerce ministry", "CN"),
    (
        r"\bunited states\b|\bu\.s\.|\bus\b|\bwashington\b|\bamerican\b|\bwhite house\b"
        r"|\bsection (?:232|301)\b|\bpentagon\b",
        "US",
    ),
    (r"\baustralia\w*\b|\bcanberra\b", "AU"),
    (r"\bcanada\b|\bcanadian\b|\bottawa\b", "CA"),
    (r"\bjapan\w*\b|\btokyo\b", "JP"),
    (r"\bmalaysia\w*\b", "MY"),
    (r"\bvietnam\w*\b", "VN"),
    (r"\bmyanmar\b", "MM"),
    (r"\bindia\b|\bindian\b", "IN"),
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


def split_sentences(text: str) -> Iterator[tuple[int, str]]:
    """(offset, sentence) pairs: paragraphs split at ., ! or ? followed by a capital letter."""
    for paragraph in re.finditer(r"[^\n]+", text):
        body = paragraph.group()
        start = 0
        for boundary in re.finditer(r"[.!?][\"”’)]?\s+(?=[A-Z\"“(])", body):
            head = body[start : boundary.start() + 1]
            if _ABBREVIATIONS.search(head) or re.search(r"\b[A-Z]\.$", head):
                continue
            yield from _trimmed(paragraph.start() + start, body[start : boundary.end()])
            start = boundary.end()
        yield from _trimmed(paragraph.start() + start, body[start:])


def _trimmed(offset: int, sentence: str) -> Iterator[tuple[int, str]]:
    stripped = sentence.strip()
    if stripped:
        yield offset + sentence.index(stripped), stripped


def extract_article(
    article: Article, directory: EntityDirectory, fx: FxRates | None = None
) -> list[Candidate]:
    """Every candidate event the article gives, one per fact, with proposed new entities."""
    source = Source(publisher=article.source_publisher[:300], url=article.url, title=article.title)
    candidates: list[Candidate] = []
    antecedents = _Antecedents(directory)
    sentences = _with_short_names(_read_sentences(article, directory))
    reading = Reading(
        article, directory, article.published, _output_topic(article.title, sentences)
    )
    issuer = _issuer(article, directory, sentences)
    context_year = None
    for index, sentence in enumerate(sentences):
        before = sentences[index - 1] if index else None
        if before is not None:
            context_year = max(
                [*_years_for_figures(before, reading), *([context_year] if context_year else [])],
                default=None,
            )
        sentence = replace(
            sentence,
            antecedent=antecedents.current,
            prior_subject=antecedents.subject,
            issuer=issuer,
            context_year=context_year,
            previous_text=before.text if before else "",
            previous_dates=before.dates if before else [],
            following=tuple(
                (s.text, s.dates) for s in sentences[index + 1 : index + 1 + FOLLOWING]
            ),
            earlier=tuple(sentences[max(0, index - EARLIER) : index]),
        )
        antecedents.read(sentence.mentions, sentence.text)
        if _denies(sentence.text):
            continue
        hedged = _hedge(sentence.text)
        for rule in RULES:
            for draft in rule(sentence, reading):
                if hedged:
                    draft.cap(0.4, f"hedged: the sentence says {hedged.group()!r}")
                candidate = _finish(draft, sentence, reading, source, fx)
                if candidate is not None:
                    candidates.extend(_proposals(draft, candidate, sentence, source, sentences))
                    candidates.append(candidate)
    candidates = _complete_ventures(candidates, sentences)
    candidates = _complete_stakes(candidates, sentences)
    candidates = _output_parts(candidates, sentences)
    return merge_reports(candidates)


#: How many sentences after a measure's may spell out its terms.
FOLLOWING = 3
#: How many sentences before a holding may give the holding it moved from, or a table row its
#: header.
EARLIER = 10

#: An output figure of a named stage: "mine output", "separation capacity".
_OUTPUT_TOPIC = re.compile(
    r"\b(?:mine|mining|separat\w*|refin\w*|oxide|metals?|magnets?)\s+(?:output|production"
    r"|capacity)\b",
    re.I,
)


def _output_topic(title: str | None, sentences: Sequence[Sentence]) -> str | None:
    """The stage the article's output figures are of, from its title or first sentences."""
    for text in [title or "", *(s.text for s in sentences[:3])]:
        if topic := _OUTPUT_TOPIC.search(text):
            return _first_stage(topic.group())
    return None


def _years_for_figures(sentence: Sentence, reading: Reading) -> list[int]:
    """The years a sentence gives figures for, up to the article's own year."""
    years = find_years(sentence.text)
    if reading.article_date is not None:
        if re.search(r"\blast year\b", sentence.lower):
            years.append(reading.article_date.year - 1)
        years = [y for y in years if y <= reading.article_date.year]
    return years


def _read_sentences(article: Article, directory: EntityDirectory) -> list[Sentence]:
    sentences = []
    for offset, text in split_sentences(article.text):
        # A header line, or the number of a numbered paragraph ("2."), says nothing itself.
        if _is_header(text) or re.fullmatch(
            r"(?:(?:Article|Section|Clause|Paragraph|Item)\s+)?\(?\d{1,2}[.)]", text
        ):
            continue
        dateline = _DATELINE.match(text)
        mentions = [
            m for m in directory.mentions(text) if not dateline or m.start >= dateline.end()
        ]
        sentences.append(
            Sentence(
                text=text,
                start=offset,
                mentions=mentions,
                money=find_money(text),
                percentages=find_percentages(text),
                tonnes=find_tonnes(text),
                # The dateline's date is when the story was filed, not when anything happened.
                dates=[
                    d
                    for d in find_dates(text, article_date=article.published)
                    if not dateline or d.start >= dateline.end()
                ],
            )
        )
    return sentences


def _with_short_names(sentences: list[Sentence]) -> list[Sentence]:
    """Later mentions of a company by the first word of the name the article gave it ("Peak
    Rare Earths … 100 per cent of Peak"): a word that is neither a country nor a common opening
    of names, standing alone."""
    short: dict[str, str] = {}
    read = []
    for sentence in sentences:
        added = []
        for word, entity_id in short.items():
            for found in re.finditer(
                rf"\b{re.escape(word)}\b(?!\s+[A-Z&])(?!['’]s\s+[A-Z])", sentence.text
            ):
                if not any(
                    m.start < found.end() and found.start() < m.end for m in sentence.mentions
                ):
                    added.append(Mention(entity_id, word, found.start(), found.end()))
        if added:
            sentence = replace(
                sentence, mentions=sorted([*sentence.mentions, *added], key=lambda m: m.start)
            )
        for mention in sentence.mentions:
            words = mention.surface.split()
            first = words[0] if words else ""
            if (
                len(words) >= 2
                and not mention.proposed
                and len(first) >= 3
                and first[0].isupper()
                and first.lower() not in _NOT_SHORT_NAMES
                and next(country_mentions(first), None) is None
                and not _jurisdiction(first)
            ):
                short.setdefault(first, mention.entity_id)
        read.append(sentence)
    return read


#: Words that open many names and so stand for none of them alone.
_NOT_SHORT_NAMES = frozenset(
    {"the", "china", "chinese", "rare", "national", "general", "state", "new", "north", "south"}
    | {"northern", "southern", "western", "eastern", "united", "american", "international"}
    | {"usa", "us", "u.s.", "energy", "critical", "strategic", "department", "ministry", "office"}
)


def _issuer(
    article: Article, directory: EntityDirectory, sentences: Sequence[Sentence]
) -> Mention | None:
    """The company the article is about: the only one its title names, else the only one the
    first sentence naming any company names ("Summary of an announcement by X:")."""
    if article.title:
        titled = _distinct([m for m in directory.mentions(article.title) if not m.proposed])
        titled = [m for m in titled if _is_company(m, directory)]
        if len(titled) == 1:
            return titled[0]
    for sentence in sentences:
        companies = _distinct([m for m in sentence.mentions if _is_company(m, directory)])
        if companies:
            return companies[0] if len(companies) == 1 and not companies[0].proposed else None
    return None


#: "the company" as the subject: a sentence that refers to a company without naming it.
_THE_COMPANY = re.compile(
    r"\b(?:the|The) (?:state |mining |metals )?(?:company|group|issuer|conglomerate|firm|miner"
    r"|producer)\b(?!'s)|^(?:It|Its)\b"
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
#: A modal that forbids rather than hedges: "exporters may no longer ship", "may not export".
_PROHIBITION = re.compile(r"(?:may|can|could) (?:no longer|not)\b", re.I)


def _hedge(text: str) -> re.Match[str] | None:
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


class _Antecedents:
    """The company a sentence can refer back to: the only one the last sentence naming any
    company named, for at most two sentences after it. A sentence naming two companies leaves
    none, since "the company" could then be either."""

    REACH = 2

    def __init__(self, directory: EntityDirectory) -> None:
        self._directory = directory
        self.current: Mention | None = None
        #: The company the last naming sentence opened with, its subject ("Minmetals now owns
        #: all of GRINM. The conglomerate said …"), even where it named others after it.
        self.subject: Mention | None = None
        self._age = 0

    def read(self, mentions: Sequence[Mention], text: str) -> None:
        companies = _distinct([m for m in mentions if _is_company(m, self._directory)])
        if companies:
            self.current = companies[0] if len(companies) == 1 else None
            opening = _DATELINE.match(text)
            start = opening.end() if opening else 0
            # "Lynas and Iluka reported …" opens with two subjects: neither is the one.
            opens = companies[0].start - start <= 12
            shared = len(companies) > 1 and (
                re.fullmatch(
                    r"\s*(?:,|,?\s*and|&|,?\s*or)\s*", text[companies[0].end : companies[1].start]
                )
                is not None
            )
            self.subject = companies[0] if opens and not shared else None
            self._age = 0
            return
        self._age += 1
        if self._age >= self.REACH:
            self.current = None
            self.subject = None


def _is_company(mention: Mention, directory: EntityDirectory) -> bool:
    known = directory.entities.get(mention.entity_id)
    return known is None or known.kind == "company"


def _is_header(text: str) -> bool:
    return re.match(r"^(?:title|date|url|publisher|source)\s*:", text, re.I) is not None


#: Terms said to stand unchanged: "the other parts of the package are untouched: …".
_UNCHANGED = re.compile(
    r"\b(?:untouched|unchanged|not affected|remains? in (?:force|place|effect)|(?:does|do) not"
    r" change|continues? to apply)\b",
    re.I,
)
#: Deals and measures are news when they happen; one the article dates this many days before
#: its own date is history retold ("the agreement the two sides struck in July, when …").
HISTORY_DAYS = 45
_DEALS_AND_MEASURES = frozenset(
    {
        "stake_changed",
        "merger_completed",
        "joint_venture_formed",
        "funding_awarded",
        "price_floor_set",
        "tariff_imposed",
        "export_control_imposed",
    }
)


def _finish(
    draft: Draft, sentence: Sentence, reading: Reading, source: Source, fx: FxRates | None
) -> Candidate | None:
    occurred = draft.occurred or _occurred(sentence, reading)
    if occurred is None:
        return None
    if (
        draft.fields["type"] in _DEALS_AND_MEASURES
        and not draft.fields["type"].startswith("export_control")
        and (standing := _UNCHANGED.search(sentence.text))
    ):
        # "The other parts of the package are untouched: the US$150 million loan …"
        draft.cap(0.5, f"spoken of as standing ({standing.group()!r}), not as news")
    if (
        draft.fields["type"] in _DEALS_AND_MEASURES
        and draft.occurred is None
        and reading.article_date is not None
        and (reading.article_date - occurred).days > HISTORY_DAYS
    ):
        draft.cap(
            0.5,
            f"dated {occurred.isoformat()}, {(reading.article_date - occurred).days} days before"
            " the article: told as history",
        )
    if any(p.proposed for p in draft.parties):
        draft.cap(REVIEW_CAP, "names an organisation that is not registered yet")
    fields = dict(draft.fields)
    event_type = fields["type"]
    fields.setdefault("event_id", _event_id(event_type, fields, occurred))
    fields["occurred_at"] = datetime.combine(occurred, time(), UTC).isoformat()
    evidence = Evidence(
        reading.article.name, sentence.text, sentence.start, sentence.start + len(sentence.text)
    )
    fields["source"] = source.model_copy(update={"evidence": sentence.text[:2000]}).model_dump()
    try:
        event = parse_input_event(fields)
    except pydantic.ValidationError:
        return None
    usd = None
    if draft.money is not None and fx is not None:
        usd = fx.to_usd(draft.money.amount, draft.money.currency, occurred)
    sighting = Sighting(event.source, evidence)
    return Candidate(
        event=event,
        confidence=round(draft.confidence, 2),
        evidence=evidence,
        notes=tuple(draft.notes),
        amount_usd=usd,
        sightings=(sighting,),
    )


def _proposals(
    draft: Draft,
    candidate: Candidate,
    sentence: Sentence,
    source: Source,
    sentences: Sequence[Sentence] = (),
) -> list[Candidate]:
    proposals = []
    for party in draft.parties:
        if not party.proposed:
            continue
        notes = ["an organisation not registered yet: confirm its name, country and kind"]
        country = party.country
        confidence = REVIEW_CAP
        if country is None:
            # The article may introduce the organisation with its nationality elsewhere
            # ("Vital Metals, an Australian developer, …").
            country = next(
                (
                    m.country
                    for other in sentences
                    for m in other.mentions
                    if m.entity_id == party.entity_id and m.country
                ),
                None,
            )
            if country is not None:
                notes.append(f"country {country} from another sentence naming it")
        if country is None:
            country = "ZZ"
            confidence = 0.5
            notes.append("country not given in the text: ZZ until a person sets it")
        event = EntityRegistered(
            event_id=f"news:entity:{party.entity_id}",
            occurred_at=candidate.event.occurred_at,
            source=candidate.event.source,
            entity_id=party.entity_id,
            name=party.surface,
            country=country,
            kind="company",
        )
        proposals.append(
            Candidate(
                event=event,
                confidence=confidence,
                evidence=candidate.evidence,
                notes=tuple(notes),
                sightings=candidate.sightings,
            )
        )
    return proposals


def _occurred(sentence: Sentence, reading: Reading) -> date | None:
    limit = reading.article_date
    for mention in sentence.dates:
        if _IN_DESCRIPTION.search(sentence.text[: mention.start]):
            continue  # "…, the stake it took when the group was founded in December 2021"
        if limit is None or mention.value <= limit:
            return mention.value
    return reading.article_date


def _event_id(event_type: str, fields: dict[str, Any], occurred: date) -> str:
    keys = {
        "stake_changed": ("holder_id", "target_id"),
        "merger_completed": ("survivor_id", "absorbed_id"),
        "joint_venture_formed": ("venture_id",),
        "funding_awarded": ("funder_id", "recipient_id", "instrument"),
        "export_control_imposed": ("control_id",),
        "export_control_suspended": ("control_id",),
        "export_control_lifted": ("control_id",),
        "quota_set": ("jurisdiction", "entity_id", "quota_kind", "stage", "period"),
        "price_floor_set": ("jurisdiction", "beneficiary_id", "element_group"),
        "output_reported": ("entity_id", "country", "element_group", "stage", "period", "measure"),
        "tariff_imposed": ("jurisdiction", "on_origin", "commodity"),
    }[event_type]
    parts = [str(fields[k]) for k in keys if fields.get(k) is not None]
    return ":".join(["news", event_type, *parts, occurred.isoformat()])


# --- facts said over two sentences -------------------------------------------------------------


def _with_fields(candidate: Candidate, updates: dict[str, Any], note: str) -> Candidate:
    document = candidate.event.model_dump(mode="json", exclude_none=True)
    document.update(updates)
    try:
        event = parse_input_event(document)
    except pydantic.ValidationError:
        return candidate
    sightings = tuple(replace(s, source=event.source) for s in candidate.sightings)
    return replace(candidate, event=event, notes=(*candidate.notes, note), sightings=sightings)


#: "Of that, 5,655t was NdPr": a part of the figure the sentence before gave.
#: A share of the figure the sentence before gave: "Of the total in Article 1, 600 tonnes …".
_PART_OF_TOTAL = re.compile(
    r"^(?:Of (?:that|this|which|these|those|the (?:total|quota|amount|volume))|Within (?:that"
    r"|this|the total))\b"
)
_PART_OF_FIGURE = re.compile(r"^(?:Of (?:that|this|which|these|those|the total)|Within that)\b")


def _position(candidate: Candidate, sentences: Sequence[Sentence]) -> int | None:
    """The index of the sentence a candidate was read from."""
    return next((i for i, s in enumerate(sentences) if s.start == candidate.evidence.start), None)


def _output_parts(candidates: list[Candidate], sentences: Sequence[Sentence]) -> list[Candidate]:
    """An output figure of one element group given as part of the figure just before it: the
    same company, stage, period and measure, with the part's group and tonnage."""
    parts = []
    for candidate in candidates:
        if candidate.event.type != "output_reported":
            continue
        index = _position(candidate, sentences)
        if index is None or index + 1 >= len(sentences):
            continue
        following = sentences[index + 1]
        group = _element_group(following.text)
        document = candidate.event.model_dump(mode="json", exclude_none=True)
        if (
            not _PART_OF_FIGURE.match(following.text)
            or len(following.tonnes) != 1
            or group is None
            or group == document["element_group"]
        ):
            continue
        document["element_group"] = group
        document["tonnes"] = str(following.tonnes[0].value)
        occurred = candidate.event.occurred_at.date()
        document["event_id"] = _event_id("output_reported", document, occurred)
        document["source"]["evidence"] = following.text[:2000]
        try:
            event = parse_input_event(document)
        except pydantic.ValidationError:
            continue
        evidence = replace(
            candidate.evidence,
            sentence=following.text,
            start=following.start,
            end=following.start + len(following.text),
        )
        parts.append(
            replace(
                candidate,
                event=event,
                evidence=evidence,
                notes=(
                    *candidate.notes,
                    "a part of the figure in the sentence before: its company, stage and period",
                ),
                sightings=tuple(
                    replace(s, source=event.source, evidence=evidence) for s in candidate.sightings
                ),
            )
        )
    return candidates + parts


#: A sentence giving what a deal cost: "The price for the shares came to A$158 million."
_PRICE_OF_DEAL = re.compile(
    r"\b(?:price|paid|pays|paying|consideration|cost|costs|valued at|worth|came to|totall?ed)\b",
    re.I,
)
#: How many sentences after a stake's may give its price or the holding before it.
STAKE_REACH = 3


def _complete_stakes(
    candidates: list[Candidate], sentences: Sequence[Sentence] = ()
) -> list[Candidate]:
    """A deal told over several sentences of one article ("The company bought equity in X for
    RMB 96 million. With the purchase, it took full control of X."): the better-founded report
    of the stake takes the price, earlier holding or holding after that only another report
    gives (not a hedged one: a term sheet's price is not the deal's), and else a price or an
    earlier holding said in the sentences just after it."""
    completed = list(candidates)
    for index, candidate in enumerate(completed):
        if candidate.event.type != "stake_changed":
            continue
        others = [
            c
            for c in completed
            if c is not candidate
            and c.event.type == "stake_changed"
            and c.dedupe_key == candidate.dedupe_key
            and c.evidence.article == candidate.evidence.article
            and c.confidence <= candidate.confidence
            and not any(note.startswith("hedged") for note in c.notes)
        ]
        own = candidate.event.model_dump(mode="json", exclude_none=True)
        updates: dict[str, Any] = {}
        for other in others:
            theirs = other.event.model_dump(mode="json", exclude_none=True)
            for key in ("consideration", "pct_before", "pct_after"):
                if key not in own and key not in updates and key in theirs:
                    updates[key] = theirs[key]
        updates.update(_stake_terms_nearby(candidate, {**own, **updates}, sentences))
        if updates:
            completed[index] = _with_fields(
                candidate,
                updates,
                f"{', '.join(sorted(updates))} from another sentence of the article on this deal",
            )
    return completed


def _stake_terms_nearby(
    candidate: Candidate, known: dict[str, Any], sentences: Sequence[Sentence]
) -> dict[str, Any]:
    """The price and the earlier holding of a stake, from the sentences after the one reporting
    it that name no other organisation ("Shenghe already held 19.9 per cent.", "The price for
    the shares came to A$158 million.")."""
    position = _position(candidate, sentences)
    if position is None:
        return {}
    parties = {known["holder_id"], known["target_id"]}
    terms: dict[str, Any] = {}
    for later in sentences[position + 1 : position + 1 + STAKE_REACH]:
        if any(m.entity_id not in parties for m in later.mentions):
            continue
        if "pct_before" not in known and "pct_before" not in terms:
            for pct in later.percentages:
                before = later.text[max(0, pct.start - 60) : pct.start]
                if _EARLIER_HOLDING.search(before) and not _hedge(later.text[: pct.end]):
                    terms["pct_before"] = str(pct.value)
                    break
        if (
            "pct_after" not in known
            and "pct_after" not in terms
            and (whole := _WHOLE.search(later.text)) is not None
            and not _SELL.search(later.text)
            and not _hedge(later.text[: whole.end()])
        ):
            terms["pct_after"] = "100"
        if "consideration" not in known and "consideration" not in terms:
            money = _consideration(later)
            if (
                money is not None
                and _PRICE_OF_DEAL.search(later.text[: money.start])
                and not _hedge(later.text[: money.end])
            ):
                terms["consideration"] = _consideration_field(money)
    return terms


#: A later sentence speaking of the venture without naming it.
_THE_VENTURE = re.compile(
    r"\bthe (?:joint |new )?venture\b|\bthe JV\b|\bthe partners\b|\b(?:in|into) it\b", re.I
)
#: Money the partners put into the venture, said after the sentence forming it.
_INVESTED_IN_IT = re.compile(
    r"\b(?:invest\w*|put\w*|contribut\w*|inject\w*|commit\w*|capitali[sz]ed|funded)\b", re.I
)
#: How far after the sentence forming a venture its owners' shares may be given.
VENTURE_REACH = 6


def _complete_ventures(
    candidates: list[Candidate], sentences: Sequence[Sentence]
) -> list[Candidate]:
    """A venture whose shares are given after the sentence forming it ("Lynas owns 60 per cent
    of Palmetto and e-VAC owns the other 40 per cent."): the shares, when every partner's is
    given and they add up to at most 100."""
    completed = []
    for candidate in candidates:
        document = candidate.event.model_dump(mode="json", exclude_none=True)
        partners = document.get("partners", [])
        if document["type"] != "joint_venture_formed" or any("pct" in p for p in partners):
            completed.append(candidate)
            continue
        position = _position(candidate, sentences)
        if position is None:
            completed.append(candidate)
            continue
        name = document.get("name")
        ids = {p["entity_id"] for p in partners}
        shares: dict[str, str] = {}
        updates: dict[str, Any] = {}
        follows_on = True  # the sentence forming it
        # Shares given over consecutive sentences ("MP holds 52%. Lynas has 28%, and …").
        found: dict[str, Decimal] = {}
        for later in sentences[position + 1 : position + 1 + VENTURE_REACH]:
            about_it = bool(name and name in later.text) or bool(_THE_VENTURE.search(later.text))
            # "The venture, X, will … . USAR owns 55%; Neo holds the remaining 45%.": a sentence
            # naming only the partners carries on from one about the venture.
            only_partners = bool(later.mentions) and all(m.entity_id in ids for m in later.mentions)
            if not about_it and not (follows_on and only_partners):
                follows_on = False
                found = {}
                continue
            follows_on = True
            if name is None and (later_name := _venture_name(later.text)) is not None:
                name = later_name[0]
                updates["name"] = name
            if "consideration" not in document and "consideration" not in updates:
                money = _consideration(later)
                if money is not None and _INVESTED_IN_IT.search(later.text):
                    updates["consideration"] = _consideration_field(money)
            owners = [m for m in later.mentions if m.entity_id in ids]
            for pct in later.percentages:
                owner = _owner_of(later, pct, owners)
                if owner is not None and owner.entity_id not in found:
                    found[owner.entity_id] = pct.value
            missing = ids - set(found)
            if (
                len(missing) == 1
                and found
                and sum(found.values()) < 100
                and re.search(
                    r"\b(?:the remaining|the rest|the balance|the remainder)\b", later.text
                )
            ):
                # "MP holds 52%, Lynas 28%, and the iPhone maker owns the remaining fifth": the
                # partner not named by name holds what is left.
                found[missing.pop()] = Decimal(100) - sum(found.values(), Decimal(0))
            if set(found) == ids and sum(found.values()) <= 100 and not shares:
                shares = {k: str(plain(v)) for k, v in found.items()}
        if shares:
            updates["partners"] = [{**p, "pct": shares[p["entity_id"]]} for p in partners]
            majority = [k for k, v in shares.items() if Decimal(v) > 50]
            if majority:
                updates["controlling_partner_id"] = majority[0]
        if not updates:
            completed.append(candidate)
            continue
        completed.append(
            _with_fields(
                candidate,
                updates,
                f"{', '.join(sorted(updates))} of the venture from the sentences after it",
            )
        )
    return completed


# --- shared readings of a sentence ---------------------------------------------------------------


def _consideration(sentence: Sentence) -> Money | None:
    """The sum paid: the first amount that is not a conversion in brackets of another amount."""
    for index, money in enumerate(sentence.money):
        before = sentence.text[max(0, money.start - 12) : money.start]
        if index > 0 and ("(" in before or re.search(r"\bor\b", before)):
            continue
        if _IN_DESCRIPTION.search(sentence.text[: money.start]):
            continue  # "Peak, the company it took private last year for A$158m, …"
        return money
    return None


#: Money inside a phrase describing a name: ", the company it took private for …". (A
#: relative clause on the buyer, ", which paid RMB 800 million", gives the deal's price.)
_IN_DESCRIPTION = re.compile(
    r",\s+(?:the|an?)\s+[^,;]{0,60}?\b(?:it|they)\s+[^,;]*$",
    re.I,
)


def _consideration_field(money: Money | None) -> dict[str, Any] | None:
    if money is None:
        return None
    return {"amount": str(money.amount), "currency": money.currency}


def _jurisdiction(text: str) -> str | None:
    """The country `text` is about: the first of the usual rare-earth policy makers it names (in
    the order of `_JURISDICTIONS`), else the first country of the ISO list it names."""
    lowered = text.lower()
    for pattern, code in _JURISDICTIONS:
        if re.search(pattern, lowered):
            return code
    return next((m.code for m in country_mentions(text)), None)


def _jurisdiction_mentions(text: str) -> list[tuple[int, int, str]]:
    """Every country word of `text` as (start, end, code), left to right, leaving out the
    dateline (where the news was written) and currencies ("US$")."""
    lowered = text.lower()
    dateline = _DATELINE.match(text)
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
_COUNTRY_AS_OBJECT = re.compile(
    r"\b(?:to|in|into|from|with|against|for|across|outside|on)\s+(?:the\s+)?$", re.I
)


def _policy_jurisdiction(text: str, anchor: int) -> str | None:
    """The country taking a measure whose wording starts at `anchor`: the last country named
    before it as a subject ("Malaysia's ban", "China imposed"), else the first after it; a
    country that is the object of a preposition is where goods go or come from, not who acts."""
    acting = [
        (start, code)
        for start, _end, code in _jurisdiction_mentions(text)
        if not _COUNTRY_AS_OBJECT.search(text[max(0, start - 20) : start])
    ]
    before = [code for start, code in acting if start < anchor]
    if before:
        return before[-1]
    after = [code for start, code in acting if start >= anchor]
    return after[0] if after else None


_STAGE_ORDER = ("mining", "separation", "metals", "magnets", "recycling")


def _stages(text: str) -> list[str]:
    lowered = text.lower()
    found = [stage for pattern, stage in _STAGE_WORDS if re.search(pattern, lowered)]
    return sorted(set(found), key=_STAGE_ORDER.index)


def _element_group(text: str) -> str | None:
    lowered = text.lower()
    if re.search(r"\bndpr\b|neodymium[- ]praseodymium|neodymium and praseodymium", lowered):
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


def _year(sentence: Sentence, reading: Reading) -> int | None:
    years = find_years(sentence.text)
    if years:
        return years[0]
    fiscal = re.search(r"\bFY ?(20\d\d)\b", sentence.text)
    if fiscal:
        return int(fiscal.group(1))
    for bare in re.finditer(r"\b(?:19|20)\d\d\b", sentence.text):
        if not any(d.start <= bare.start() < d.end for d in sentence.dates):
            return int(bare.group())
    if reading.article_date is not None and re.search(r"\blast year\b", sentence.lower):
        return reading.article_date.year - 1
    if reading.article_date is not None and re.search(r"\bthis year\b", sentence.lower):
        return reading.article_date.year
    return None


def _state_first(mentions: Sequence[Mention], directory: EntityDirectory) -> list[Mention]:
    return sorted(
        mentions,
        key=lambda m: 0 if (e := directory.entities.get(m.entity_id)) and e.kind == "state" else 1,
    )


def _distinct(mentions: Sequence[Mention]) -> list[Mention]:
    seen: set[str] = set()
    unique = []
    for mention in mentions:
        if mention.entity_id not in seen:
            seen.add(mention.entity_id)
            unique.append(mention)
    return unique


# --- stakes ---------------------------------------------------------------------------------------

_STAKE_VERB = re.compile(
    r"\b(?:acquir\w*|acquisitions?|takeovers?|buy-?outs?|buy(?:s|ing)?|bought|purchas\w*"
    r"|tak(?:e|es|ing|en)|took|rais\w*|increas\w*|subscrib\w*"
    r"|lift(?:s|ed|ing)?|boost\w*|add(?:s|ed|ing)? to|sell(?:s|ing)?|sold|cut(?:s|ting)?"
    r"|reduc\w*|lower\w*|halv\w*|divest\w*|offload\w*|trim\w*|spen[dt]\w*"
    r"|hold(?:s|ing)? a stake|ends? up (?:with|holding|owning)|will (?:own|hold)"
    r"|pa(?:id|ys|ying)\b[^.;]{0,40}?\bfor (?:newly[- ]issued |new )?(?:common |ordinary )?"
    r"(?:shares|stock))\b",
    re.I,
)
_STAKE_WORD = re.compile(
    r"(?:%|per ?cent) of (?-i:[A-Z])|\ball of (?-i:[A-Z])"
    r"|\bevery (?:common |ordinary )?share\b|\b(?:now |wholly |fully )+owned by\b"
    r"|\b(?:stake|holding|interest|shares|stock|share capital|control|the rest of|remaining"
    r"|outright|shareholder"
    r"|takeover|equity|majority|the balance of)\b",
    re.I,
)
_SELL = re.compile(
    r"\b(?:sell(?:s|ing)?|sold|cut(?:s|ting)?|reduc\w*|lower\w*|halv\w*|divest\w*|offload\w*"
    r"|trim\w*)\b",
    re.I,
)
_WHOLE = re.compile(
    r"\b(?:the rest of|the remaining|the balance of|remaining shares|all of the shares"
    r"|every (?:common |ordinary )?share"
    r"|own(?:s|ing)? all of"
    r"|wholly owns|sole (?:owner|shareholder)"
    r"|all the shares|outright|wholly[- ]owned|100 ?(?:%|per ?cent))",
    re.I,
)
_CONTROL = re.compile(
    r"\b(?:a majority|majority stake|majority holder|controlling (?:stake|shareholder|holder)"
    r"|full control|control of|already controls|parent company|parent|takeover|buy-?out)\b",
    re.I,
)
_NOT_STAKE_PCT = re.compile(
    r"^\s*(?:premium|discount|rise|increase|jump|gain|drop|fall|decline|of (?:its |the )?"
    r"(?:output|production|revenue|sales|supply|world|global|market|exports|imports|capacity))",
    re.I,
)


#: "Following the issue of the shares, X holds 9.9% of Y": a holding that a deal just made, read
#: like a stake bought. A holding said without such a lead is not a change.
_RESULTING_CLAUSE = re.compile(
    r"^(?:\d+\.\s+)?(?:Following|After|With|Upon|On completion of|Once)\b[^,]{3,80},\s*"
)
_HOLDS = re.compile(r"\b(?:now\s+)?(?:holds|owns|(?P<controls>controls))\b")
#: The words before an earlier holding: "which already held 90% of X", "previously owned 51%".
_EARLIER_HOLDING = re.compile(
    r"\b(?:(?:already|previously)\s+(?:held|holds|owned|owns|had|has)|(?:which|that|who)\s+"
    r"(?:has\s+|had\s+)?(?:held|owned))\s*(?:about |around |roughly )?$"
    # "X held 12.6 per cent of Y before the transaction"
    r"|^(?:(?-i:[A-Z])[\w&-]*\s+){1,4}(?:had\s+|has\s+)?(?:held|owned|had)\s+"
    r"(?:about |around |roughly )?$",
    re.I,
)
#: The object of the verb is described, not named: "bought the rest of the Hanoi-based processor".
_DESCRIBED_OBJECT = re.compile(
    r"^\s*(?:the rest of|the remaining\b(?:\s+(?:shares|stake|equity|interest))?(?:\s+(?:of|in))?"
    r"|the balance of|all of|full control of|control of)\s+(?:the|its|it|them|for)\b",
    re.I,
)


#: A clause describing the name before it, up to the verb: ", which it bought", ", who sold".
_DESCRIBING = re.compile(
    r",\s*(?:which|who|whom)\s+(?P<pronoun>(?:it|they|the company|the group)\s+)?[^,;]*$", re.I
)


def _clause_end_comma(text: str, verb: re.Match[str]) -> int:
    """Where the clause holding `verb` ends: the next comma or semicolon."""
    ends = [i for i in (text.find(",", verb.end()), text.find(";", verb.end())) if i >= 0]
    return min(ends, default=len(text))


def stake_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    text = sentence.text
    if _HOLDING_MOVED.search(text):
        return []  # read by holding_moved_rule, holding by holding
    lead = _RESULTING_CLAUSE.match(text)
    lead_end = lead.end() if lead else 0
    verb = _STAKE_VERB.search(text, lead_end)
    holds = _HOLDS.search(text, lead_end) if lead is not None else None
    if holds is not None and (verb is None or holds.start() < verb.start()):
        verb = holds
    if verb is None or not (_STAKE_WORD.search(text) or verb is holds):
        return []
    if re.search(r"joint venture|\bmerg", text, re.I):
        return []
    if re.search(r"\b(?:loan|grant|tax credit|offtake|preferred)\b", text, re.I):
        return []
    passive = re.search(
        r"\b(?:acquired|bought|purchased|taken over|(?:now |wholly |fully )+owned) by\b", text, re.I
    )
    if passive:
        holders = sentence.after(passive.end())
        targets = sentence.before(passive.start())
        holder = holders[0] if holders else None
        target = targets[-1] if targets else None
    else:
        before = sentence.before(verb.start())
        holder = before[-1] if before else None
        if holder is not None and len(before) > 1 and before[0].entity_id != holder.entity_id:
            # "X, the parent of Y, bought …": the subject is the first organisation named.
            holder = before[0]
        target = next(
            (m for m in sentence.after(verb.start()) if holder and m.entity_id != holder.entity_id),
            None,
        )
        if holder is not None and target is None and _DESCRIBED_OBJECT.match(text[verb.end() :]):
            # "X, which already held 90% of Y, bought the rest of the processor": the target is
            # the company named before the verb.
            target = next((m for m in reversed(before) if m.entity_id != holder.entity_id), None)
    describing = _DESCRIBING.search(text[: verb.start()])
    if describing is not None and not passive:
        # "with Peak, which it bought last year, Shenghe now owns …": the clause describes Peak,
        # bought by the sentence's subject; a deal told in passing is background, not news.
        described = sentence.before(describing.start())
        subject = [m for m in sentence.after(verb.end()) if m.start > _clause_end_comma(text, verb)]
        if describing["pronoun"] and described:
            target = described[-1]
            holder = next(
                (m for m in (*subject, sentence.referent) if m and m.entity_id != target.entity_id),
                None,
            )
    if holder is None and not passive and not sentence.before(verb.start()):
        # "the Commerce Department paid US$400m for new shares that give it a fifth of X"
        government = _unnamed_government(sentence, reading)
        if government is not None and government.start < verb.start():
            holder = government
            target = next(
                (m for m in sentence.after(verb.start()) if m.entity_id != government.entity_id),
                None,
            )
    if holder is None and not passive and (body := _state_body(sentence, reading, verb.start())):
        # "the department is buying US$45m of X stock, which will give it a 4.2% stake"
        holder = body
        target = next(
            (m for m in sentence.after(verb.start()) if m.entity_id != body.entity_id), None
        )
    referred = None
    if (
        holder is None
        and not passive
        and (
            _THE_COMPANY.search(text[lead_end : verb.start()])
            or _FIRST_PERSON.search(text[lead_end : verb.start()])
        )
    ):
        # "The company has taken full control of X": the company just named, else the one the
        # article is about; never the company the sentence goes on to name as the target.
        for referent in (sentence.antecedent, sentence.issuer, sentence.prior_subject):
            named = [
                m
                for m in sentence.after(verb.start())
                if referent and m.entity_id != referent.entity_id
            ]
            if referent is not None and named:
                holder, referred, target = referent, referent, named[0]
                break
    if holder is None or target is None or holder.entity_id == target.entity_id:
        return []
    draft = Draft(
        {"type": "stake_changed", "holder_id": holder.entity_id, "target_id": target.entity_id}
    )
    draft.parties = [holder, target]
    if referred is not None:
        draft.cap(
            REFERRED_CAP,
            f"the sentence does not name the buyer: {referred.surface!r}, the company it refers"
            " back to, assumed",
        )
    if describing is not None and not passive:
        draft.cap(0.5, "told in a clause describing another name: background, not the news")
    selling = _SELL.search(verb.group()) is not None
    _stake_percentages(sentence, draft, selling)
    if _WHOLE.search(text) and not selling:
        draft.fields["pct_after"] = "100"
    if (_CONTROL.search(text) or (verb is holds and holds["controls"])) and not selling:
        draft.fields["controlling"] = True
    if (
        not selling
        and "pct_after" not in draft.fields
        and "controlling" not in draft.fields
        and reading.directory.controllers.get(target.entity_id) == holder.entity_id
    ):
        draft.fields["controlling"] = True
        draft.notes.append(
            "controlling: the holder is the target's recorded controller; the text gives no"
            " percentage"
        )
    if selling and re.search(r"\b(?:entire|whole|all of its|its remaining)\b", text, re.I):
        draft.fields.setdefault("pct_after", "0")
    if not any(k in draft.fields for k in ("pct_after", "pct_before", "controlling")):
        draft.fields["controlling"] = False
        draft.cap(0.45, "no percentage and no word on control: controlling false is an assumption")
    draft.money = _consideration(sentence)
    draft.fields["consideration"] = _consideration_field(draft.money)
    return [draft]


_PCT = r"(?:about |around |roughly )?(\d+(?:\.\d+)?) ?(?:%|per ?cent|percent)"
#: A holding before and after, in any of the usual orders: "from 9% to 4.5%", "to 4.5% from 9%",
#: "4.5%, down from 9%". Each pattern gives (before, after) group numbers.
_STAKE_SPANS: tuple[tuple[re.Pattern[str], int, int], ...] = (
    (re.compile(rf"\bfrom {_PCT} to {_PCT}", re.I), 1, 2),
    (re.compile(rf"\bto {_PCT},? (?:up |down )?from {_PCT}", re.I), 2, 1),
    (re.compile(rf"{_PCT},? (?:up|down) from {_PCT}", re.I), 2, 1),
)
#: Words a before-and-after span must follow to be a holding, not a price or a growth rate.
_HOLDING_NOUN = re.compile(
    r"\b(?:stake|holding|shareholding|interest(?!\s+rates?)|position|ownership|voting power)\b",
    re.I,
)
#: "shareholders holding 70% of the votes": a percentage held by others than the holder.
_OTHERS_HOLD = re.compile(
    r"\b(?:shareholders|holders|investors|members|owners|institutions)\b[^.;%]{0,30}$", re.I
)
#: "its stake to 12%", "its holding in Peak Rare Earths to 12%": the holding after the deal.
_HOLDING_BEFORE_PCT = re.compile(
    r"\b(?:stake|holding|shareholding|interest|position|ownership)\b"
    r"(?:\s+in\s+(?:[A-Z][\w&.'-]*\s*){1,6})?\s*(?:to|at|of)\s*(?:about |around |roughly )?$",
    re.I,
)
#: "12% stake", "6.5% of the voting power", "12% of Peak": what the percentage is of.
_HOLDING_AFTER_PCT = re.compile(
    r"\s*(?:stake|holding|shareholding|interest|equity|of (?:the |its )?(?:shares|company|equity"
    r"|voting (?:power|rights|shares|stock)|votes|issued (?:shares|share capital|capital)"
    r"|outstanding shares|share capital|ordinary shares))",
    re.I,
)


def _stake_percentages(sentence: Sentence, draft: Draft, selling: bool) -> None:
    text = sentence.text
    for pattern, before_group, after_group in _STAKE_SPANS:
        for span in pattern.finditer(text):
            if not _HOLDING_NOUN.search(text[max(0, span.start() - 160) : span.start()]):
                continue
            draft.fields["pct_before"] = span.group(before_group)
            draft.fields["pct_after"] = span.group(after_group)
            return
    for pct in sentence.percentages:
        after = text[pct.end : pct.end + 40]
        before = text[max(0, pct.start - 100) : pct.start]
        if (
            _NOT_YET_HELD.match(text[pct.end : pct.end + 90])
            and not selling
            and "pct_before" not in draft.fields
        ):
            # "the 91% it did not already hold": the text gives the rest, so the holding before.
            draft.fields["pct_before"] = str(plain(100 - pct.value))
            draft.fields["pct_after"] = "100"
            draft.notes.append(f"the holding before is what the {pct.value}% bought leaves")
            continue
        if _NOT_STAKE_PCT.match(after) or _OTHERS_HOLD.search(before):
            continue
        if _EARLIER_HOLDING.search(before):
            draft.fields["pct_before"] = str(pct.value)
            continue
        additional = re.search(r"\b(?:additional|further|another|extra)\s*$", before, re.I)
        if _HOLDING_BEFORE_PCT.search(before):
            draft.fields["pct_after"] = str(pct.value)
        elif _HOLDING_AFTER_PCT.match(after) or re.match(r"\s*(?i:of)\s+[A-Z]", after):
            if additional:
                draft.notes.append(
                    f"{pct.value}% is the size of the purchase, not the holding after it"
                )
                continue
            if (selling and re.search(r"\bto\s*$", before)) or not selling:
                draft.fields["pct_after"] = str(pct.value)
        else:
            continue
        if pct.approximate:
            draft.confidence -= 0.05
            draft.notes.append(f"the text gives the percentage as approximate ({pct.value}%)")
        return


#: "the 91% it did not already hold", "the 65 per cent it does not own".
_NOT_YET_HELD = re.compile(
    r"^\s+(?:of (?-i:[A-Z])[\w&-]*(?: (?-i:[A-Z])[\w&-]*)*\s+)?(?:that |which )?"
    r"(?:it|they|we|the company|the group)\s+(?:did|does|do) not\s+"
    r"(?:already\s+)?(?:own|hold|have|control)\b",
    re.I,
)


def _pct(name: str) -> str:
    """`_PCT` with its number captured under `name`."""
    return _PCT.replace("(\\d", f"(?P<{name}>\\d", 1)


#: "X's equity interest in Y decreased from 20.33% to 15.33%": a holding that moved, told by
#: its holder's possessive. One sentence may tell several ("…, and Z's interest in Y rose …").
_HOLDING_MOVED = re.compile(
    r"(?:'s|’s|(?<=s)'|(?<=s)’|\b[Ii]ts)\s+(?:(?:equity\s+|voting\s+)?"
    r"(?:interest|stake|holding|shareholding)(?:\s+in\s+(?P<target>[^,;]{2,80}?))?\s+)?"
    r"(?P<verb>(?:increas|decreas|ris|ros|fall|fell|grow|grew|dropp?|declin|slipp?|climb)\w*"
    r"|(?:was|is|has been|will be) (?:cut|raised|reduced|lifted|increased|decreased|diluted)"
    r"|(?:went|goes|will go) (?:up|down)|(?:will|has|have) (?:\w+ ){0,1}?\w+)\s+"
    rf"(?:from {_pct('before')} to {_pct('after')}|to {_pct('after_first')} from "
    rf"{_pct('before_last')})",
    re.I,
)


def holding_moved_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    """Holdings that moved, read from the holder's possessive: "X's interest in Y fell from A%
    to B%, while Z's rose from C% to D%" (the second holding is in the same company)."""
    drafts = []
    text = sentence.text
    target: Mention | None = None
    for moved in _HOLDING_MOVED.finditer(text):
        holder = _possessor(sentence, moved.start())
        if moved.group("target") is not None:
            named = [
                m
                for m in sentence.mentions
                if moved.start("target") <= m.start < moved.end("target")
            ]
            target = named[0] if named else None
        if target is None and holder is not None:
            # "X has sold most of its shares in Y. The research group's holding has fallen to
            # 1.2% from 3.9%": the company the sentence before says the holder held.
            target = _held_before(sentence, holder)
        if holder is None or target is None or holder.entity_id == target.entity_id:
            continue
        draft = Draft(
            {
                "type": "stake_changed",
                "holder_id": holder.entity_id,
                "target_id": target.entity_id,
                "pct_before": moved["before"] or moved["before_last"],
                "pct_after": moved["after"] or moved["after_first"],
            }
        )
        draft.parties = [holder, target]
        drafts.append(draft)
    return drafts


#: A filing's holding before and after a deal: "Shareholding before the reduction: X held
#: 38.60% of the Company's share capital." … "Shareholding after the reduction: 34.90%."
_DEAL_NOUNS = (
    r"(?P<deal>reduction|increase|disposal|transfer|acquisition|purchase|sale|placement"
    r"|subscription|issuance|issue|change|transaction|deal|offer)"
)
_AFTER_THE_DEAL = re.compile(rf"\b(?:after|following|upon completion of) the {_DEAL_NOUNS}\b", re.I)
_BEFORE_THE_DEAL = r"\b(?:before|prior to) the {deal}\b"
#: Money a filing gives for the deal: "for aggregate proceeds of RMB 5.3 billion".
_DEAL_MONEY = re.compile(
    r"\b(?:proceeds|consideration|price|paid|pays|for a total of|totall?ing|amounting to)\b", re.I
)


#: "X … no longer holds any interest in it": a holding ended.
_NO_LONGER_HOLDS = re.compile(
    r"\bno longer (?:holds|owns|has) any (?:interest|shares|stake|equity|holding)\b"
    r"|\bnow (?:holds|owns|has) none of\b|\bnow (?:holds|owns|has) no (?:interest|shares|stake)\b",
    re.I,
)


def holding_ended_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    """A holding the text says its holder no longer has: the holding after is 0, and the one
    before where the sentence says what the holder owned ("which has owned 100 per cent of
    Y")."""
    ended = _NO_LONGER_HOLDS.search(sentence.text)
    if ended is None:
        return []
    companies = [m for m in sentence.mentions if _is_company(m, reading.directory)]
    holders = [m for m in companies if m.end <= ended.start()]
    if not holders:
        return []
    holder = holders[0]
    targets = [m for m in companies if m.entity_id != holder.entity_id]
    if not targets and sentence.earlier:
        # "… now holds none of the company": the company the sentence before says changed hands.
        before = sentence.earlier[-1]
        taken = re.search(
            r"\b(?:control of|stake in|shares in|holding in|all of|whole of)\s+", before.text
        )
        targets = [
            m
            for m in before.mentions
            if taken is not None and m.start == taken.end() and m.entity_id != holder.entity_id
        ]
    if not targets:
        return []
    draft = Draft(
        {
            "type": "stake_changed",
            "holder_id": holder.entity_id,
            "target_id": targets[0].entity_id,
            "pct_after": "0",
        }
    )
    draft.parties = [holder, targets[0]]
    for pct in sentence.percentages:
        if _EARLIER_HOLDING.search(sentence.text[max(0, pct.start - 60) : pct.start]):
            draft.fields["pct_before"] = str(plain(pct.value))
            break
    else:
        # "… by buying the whole of Shenghe Resources' 90 per cent stake. Shenghe … now holds
        # none of the company": the holder's stake as the sentence before gives it.
        for earlier in sentence.earlier[-1:]:
            for pct in earlier.percentages:
                own = [
                    m
                    for m in earlier.mentions
                    if m.entity_id == holder.entity_id and 0 <= pct.start - m.end <= 6
                ]
                if own and re.match(r"\s*(?:stake|holding|interest)\b", earlier.text[pct.end :]):
                    draft.fields["pct_before"] = str(plain(pct.value))
    return [draft]


def holding_before_after_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    """A holding a filing states before and after a deal, some lines apart: the holder and the
    company held are read from the "before" line ("the Company" is the issuer)."""
    after = _AFTER_THE_DEAL.search(sentence.text)
    if after is None:
        return []
    pct_after = next((p for p in sentence.percentages if p.start > after.end()), None)
    if pct_after is None:
        return []
    before_the_deal = re.compile(_BEFORE_THE_DEAL.format(deal=re.escape(after["deal"])), re.I)
    for back, earlier in enumerate(reversed(sentence.earlier)):
        if not before_the_deal.search(earlier.text) or not earlier.percentages:
            continue
        pct = earlier.percentages[0]
        target = _held_company(earlier, pct, sentence.issuer)
        holders = [
            m
            for m in earlier.mentions
            if m.start < pct.start
            and _is_company(m, reading.directory)
            and (target is None or m.entity_id != target.entity_id)
        ]
        if target is None or not holders:
            return []
        draft = Draft(
            {
                "type": "stake_changed",
                "holder_id": holders[0].entity_id,
                "target_id": target.entity_id,
                "pct_before": str(pct.value),
                "pct_after": str(pct_after.value),
            }
        )
        draft.parties = [holders[0], target]
        between = sentence.earlier[len(sentence.earlier) - back :]
        for told in (*between, sentence):
            money = _consideration(told)
            if money is not None and _DEAL_MONEY.search(told.text[: money.start]):
                draft.fields["consideration"] = _consideration_field(money)
                draft.money = money
        return [draft]
    return []


#: A table of holdings before and after a deal: "| Shareholder | Before | After |".
_BEFORE_AFTER_HEADER = re.compile(r"^\|.*\bbefore\b.*\|.*\bafter\b", re.I)


def holding_table_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    """A row of a before-and-after table whose two holdings differ: the holder's stake moved in
    the company the article speaks of most, other than the table's holders."""
    text = sentence.text
    if not text.startswith("|") or len(sentence.percentages) != 2:
        return []
    header = next(
        (e for e in reversed(sentence.earlier) if _BEFORE_AFTER_HEADER.match(e.text)), None
    )
    holders = [m for m in sentence.mentions if m.start < sentence.percentages[0].start]
    if header is None or len(holders) != 1:
        return []
    before, after = sentence.percentages
    if before.value == after.value:
        return []
    target = _subject_of_table(reading, sentence, holders[0])
    if target is None:
        return []
    draft = Draft(
        {
            "type": "stake_changed",
            "holder_id": holders[0].entity_id,
            "target_id": target.entity_id,
            "pct_before": str(plain(before.value)),
            "pct_after": str(plain(after.value)),
        }
    )
    draft.parties = [holders[0], target]
    # The price, where a sentence naming the holder as payer gives one.
    for told in sentence.earlier:
        money = _consideration(told)
        if (
            money is not None
            and _DEAL_MONEY.search(told.text[: money.start])
            and any(m.entity_id == holders[0].entity_id for m in told.mentions)
            and re.search(r"\bpaid\b|\bpays\b|\bconsideration\b", told.text)
        ):
            draft.fields["consideration"] = _consideration_field(money)
            draft.money = money
    return [draft]


#: Column titles of a table of deals: who holds, what is held, the holding, the price, status.
_DEAL_COLUMNS = {
    "holder": re.compile(r"^(?:holder|buyer|acquirer|investor|purchaser|shareholder)s?$", re.I),
    "target": re.compile(r"^(?:company|target|issuer|investee)s?$", re.I),
    "holding": re.compile(r"^(?:holding|stake|interest|shareholding)s?$", re.I),
    "value": re.compile(r"^(?:value|price|consideration|amount|deal value)$", re.I),
    "status": re.compile(r"^(?:status|stage|note|notes)$", re.I),
}
#: A row of a deal table that is not a completed change in holding.
_NOT_DONE = re.compile(r"\b(?:unchanged|restated|talks|reported|proposed|pending|planned)\b", re.I)


def deal_table_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    """A row of a table of deals ("| Holder | Company | Holding | Value | Status |"): a stake
    change when the row's holding and parties are read and its status says it is done."""
    text = sentence.text
    if not text.startswith("|") or not sentence.percentages:
        return []
    header = next((e.text for e in reversed(sentence.earlier) if _deal_columns(e.text)), None)
    if header is None:
        return []
    columns = _deal_columns(header)
    cells = _cells(text)
    if len(cells) != len(_cells(header)):
        return []
    cell_of = {role: cells[index] for role, index in columns.items()}
    starts = _cell_starts(text)
    holders = [m for m in sentence.mentions if _in_cell(m, starts, columns["holder"])]
    targets = [m for m in sentence.mentions if _in_cell(m, starts, columns["target"])]
    if not holders or not targets or holders[0].entity_id == targets[0].entity_id:
        return []
    holding = find_percentages(cell_of["holding"])
    draft = Draft(
        {
            "type": "stake_changed",
            "holder_id": holders[0].entity_id,
            "target_id": targets[0].entity_id,
        }
    )
    draft.parties = [holders[0], targets[0]]
    if len(holding) >= 2:
        draft.fields["pct_before"] = str(plain(holding[0].value))
        draft.fields["pct_after"] = str(plain(holding[1].value))
    else:
        draft.fields["pct_after"] = str(plain(holding[0].value))
    if "value" in cell_of:
        money = find_money(cell_of["value"])
        if money:
            draft.money = money[0]
            draft.fields["consideration"] = _consideration_field(money[0])
    status = " ".join(cell_of.get(role, "") for role in ("holding", "status"))
    if (hedged := _hedge(status)) or (hedged := _NOT_DONE.search(status)):
        draft.cap(0.4, f"the row's status says {hedged.group()!r}: not a completed change")
    draft.notes.append("a row of a table of deals")
    return [draft]


#: Column titles of a table of trade measures.
_MEASURE_COLUMNS = {
    "date": re.compile(
        r"^(?:date(?: in force)?|in force(?: from)?|effective(?: date| from)?|from)$", re.I
    ),
    "jurisdiction": re.compile(r"^(?:jurisdiction|country|government|imposed by)$", re.I),
    "measure": re.compile(r"^(?:measure|action|type)$", re.I),
    "goods": re.compile(
        r"^(?:goods(?: covered)?|products?(?: covered)?|items?(?: covered)?)$", re.I
    ),
    "rate": re.compile(r"^(?:rate|rate or restriction|restriction|duty|terms)$", re.I),
}
_DUTY_MEASURE = re.compile(r"\b(?:duty|duties|tariff|surtax|levy)\b", re.I)
_EXPORT_MEASURE = re.compile(r"\bexport\w*\b", re.I)


def measure_table_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    """A row of a table of trade measures ("| Date in force | Jurisdiction | Measure | Goods
    covered | Rate or restriction |"): the row is read as the sentence it stands for, and the
    tariff and export-control rules read that sentence."""
    text = sentence.text
    if not text.startswith("|"):
        return []
    header = next((e.text for e in reversed(sentence.earlier) if _measure_columns(e.text)), None)
    if header is None:
        return []
    columns = _measure_columns(header)
    cells = _cells(text)
    if len(cells) != len(_cells(header)):
        return []
    cell = {role: cells[index] for role, index in columns.items()}
    who, measure, goods = cell["jurisdiction"], cell["measure"], cell["goods"]
    rate, when = cell.get("rate", ""), cell.get("date", "")
    if _DUTY_MEASURE.search(measure):
        told = f"{who} imposes a duty of {rate} ({measure}) on {goods} from {when}."
        rule: Rule = tariff_rule
    elif _EXPORT_MEASURE.search(measure):
        if re.search(r"\b(?:ban|banned|prohibit\w*)\b", f"{measure} {rate}", re.I):
            told = f"{who} imposes a ban: exports of {goods} are banned from {when}."
        else:
            told = (
                f"{who} imposes licensing and will require exporters of {goods} to obtain"
                f" licences from {when}."
            )
        rule = export_control_rule
    else:
        return []
    row_as_sentence = replace(
        sentence,
        text=told,
        mentions=reading.directory.mentions(told),
        money=find_money(told),
        percentages=find_percentages(told),
        tonnes=find_tonnes(told),
        dates=find_dates(told, article_date=reading.article_date),
        following=(),
        earlier=(),
        previous_text="",
        previous_dates=[],
    )
    drafts = rule(row_as_sentence, reading)
    for draft in drafts:
        draft.notes.append(f"a row of a table of measures, read as: {told!r}")
    return drafts


def _measure_columns(header: str) -> dict[str, int]:
    return _table_columns(header, _MEASURE_COLUMNS, {"jurisdiction", "measure", "goods", "date"})


def _cells(row: str) -> list[str]:
    """The cells of a table row written with bars: "| a | b |" is ["a", "b"]."""
    return [c.strip() for c in row.strip().strip("|").split("|")]


def _deal_columns(header: str) -> dict[str, int]:
    return _table_columns(header, _DEAL_COLUMNS, {"holder", "target", "holding"})


def _table_columns(
    header: str, titles: dict[str, re.Pattern[str]], required: set[str]
) -> dict[str, int]:
    """Which column holds what (role → index), for a header row with a bar that names every
    `required` role; else nothing."""
    if not header.startswith("|"):
        return {}
    found: dict[str, int] = {}
    for index, title in enumerate(_cells(header)):
        for role, pattern in titles.items():
            if pattern.match(title) and role not in found:
                found[role] = index
    return found if required <= set(found) else {}


def _cell_starts(row: str) -> list[int]:
    """Where each cell of a table row starts."""
    bars = [i for i, ch in enumerate(row) if ch == "|"]
    first = 1 if row.startswith("|") else 0
    return [0] * (1 - first) + [b + 1 for b in bars]


def _in_cell(mention: Mention, starts: list[int], index: int) -> bool:
    if index >= len(starts):
        return False
    end = starts[index + 1] if index + 1 < len(starts) else 10**9
    return starts[index] <= mention.start < end


def _subject_of_table(reading: Reading, row: Sentence, holder: Mention) -> Mention | None:
    """The company whose holdings a table lists: the one the text before it names most often,
    leaving out companies the table lists as holders."""
    listed = {m.entity_id for e in row.earlier if e.text.startswith("|") for m in e.mentions}
    listed.add(holder.entity_id)
    counts: dict[str, int] = {}
    first: dict[str, Mention] = {}
    for earlier in row.earlier:
        if earlier.text.startswith("|"):
            continue
        for mention in earlier.mentions:
            if mention.entity_id in listed or not _is_company(mention, reading.directory):
                continue
            counts[mention.entity_id] = counts.get(mention.entity_id, 0) + 1
            first.setdefault(mention.entity_id, mention)
    if not counts:
        return None
    best = max(counts, key=lambda entity_id: counts[entity_id])
    return first[best]


def _held_company(sentence: Sentence, pct: Quantity, issuer: Mention | None) -> Mention | None:
    """The company a holding is of: the one named after the percentage ("of X's shares"), or,
    in a filing, the issuer ("of the Company's total share capital")."""
    after = sentence.text[pct.end : pct.end + 60]
    named = [m for m in sentence.mentions if pct.end <= m.start <= pct.end + 20]
    if named:
        return named[0]
    if re.match(r"\s+of (?:the|its) (?:Company|Group|Issuer|company)\b", after):
        return issuer
    return None


def _held_before(sentence: Sentence, holder: Mention) -> Mention | None:
    """The company the sentence before names as held ("its shares in Y")."""
    if not sentence.earlier:
        return None
    before = sentence.earlier[-1]
    held = re.search(r"\b(?:shares|stake|holding|interest|equity)\s+in\s+", before.text)
    if held is None:
        return None
    return next(
        (m for m in before.mentions if m.start >= held.end() and m.entity_id != holder.entity_id),
        None,
    )


def _possessor(sentence: Sentence, position: int) -> Mention | None:
    """Whose holding "X's interest" or "the Company's interest" is: the organisation named just
    before the possessive, else the company "the Company" or "its" refers to."""
    before = sentence.text[max(0, position - 40) : position]
    # A name may be read with its possessive ("SASAC's"), ending after `position`.
    named = [m for m in sentence.mentions if m.start < position and abs(position - m.end) <= 2]
    if named:
        return named[-1]
    if re.search(r"\b(?:the|The) (?:Company|Group|Issuer)$", before):
        # A defined term of a filing: the issuer, whoever was named just before.
        return sentence.issuer or sentence.referent
    if re.search(r"\b(?:the|The) (?:company|group|issuer)$", before) or (
        sentence.text[position:].lower().startswith("its")
    ):
        return sentence.referent
    if re.search(r"\b(?:the|The) [\w-]+ (?:company|group|institute|miner|producer)$", before):
        # "The research group's holding": a description of the company just named.
        return sentence.referent or sentence.prior_subject
    return None


# --- mergers --------------------------------------------------------------------------------------


#: Words that put the survivor after them: "the absorption of A into B", "A merged into B",
#: "A was absorbed by B", "A will be folded into B".
_SURVIVOR_FOLLOWS = re.compile(
    r"\b(?:into|absorbed by|taken over by|acquired by|merged with and into)\b", re.I
)
#: "B absorbed A", "B has absorbed A": the survivor before the verb (not "was absorbed").
_ABSORBS = re.compile(
    r"(?<!\bwas )(?<!\bbeen )(?<!\bbe )\babsorb(?:s|ed|ing)?\b(?! by| into)", re.I
)
#: "the merger of A into the group": a merger noun whose absorbed side follows "of".
_MERGER_OF = re.compile(r"\b(?:merger|absorption|integration|amalgamation) of\b", re.I)
#: "B is the surviving company", "the surviving entity, B": the text names the survivor.
_SURVIVING = re.compile(
    r"\bsurviv(?:ing|or)\b[^.;]{0,25}|\bremains? (?:as )?the (?:listed )?(?:entity|company)", re.I
)
#: "A has been deregistered", "A ceased to exist": the text names the absorbed side.
_CEASES = re.compile(
    r"\b(?:deregistered|dissolved|delisted|ceased? to exist|ceases? to exist|wound up)\b", re.I
)


#: Cues in or near a merger sentence: (pattern, how far before it the name may stand, whether it
#: names the survivor rather than the absorbed side).
_MERGER_ROLE_CUES: tuple[tuple[re.Pattern[str], int, bool], ...] = (
    (_SURVIVING, 60, True),
    (_CEASES, 80, False),
)


def merger_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    text = sentence.text
    if not re.search(r"\b(?:merg\w*|absor\w*|amalgamat\w*)\b", text, re.I):
        return []
    mentions = _distinct(sentence.mentions)
    if len(mentions) < 2:
        return []
    survivor, absorbed = _merger_roles(sentence, mentions, reading.directory)
    if survivor.entity_id == absorbed.entity_id:
        return []
    draft = Draft(
        {
            "type": "merger_completed",
            "survivor_id": survivor.entity_id,
            "absorbed_id": absorbed.entity_id,
        }
    )
    draft.parties = [survivor, absorbed]
    if not re.search(
        r"\b(?:complet\w*|finali[sz]\w*|closed|absorbed|merged|became part|implemented"
        r"|ceased to exist|became effective|took effect)\b",
        text,
        re.I,
    ):
        draft.cap(0.4, "the merger is not said to be completed")
    draft.money = _consideration(sentence)
    draft.fields["consideration"] = _consideration_field(draft.money)
    return [draft]


def _merger_roles(
    sentence: Sentence, mentions: list[Mention], directory: EntityDirectory
) -> tuple[Mention, Mention]:
    """(survivor, absorbed): from the words around the verb, else from a sentence nearby that
    names the surviving company or the one that ceased to exist, else in the order named."""
    text = sentence.text
    follows = _SURVIVOR_FOLLOWS.search(text)
    named_next = follows is not None and any(
        follows.end() <= m.start <= follows.end() + 30 for m in sentence.mentions
    )
    if named_next and follows is not None and sentence.before(follows.start()):
        survivor = sentence.after(follows.end())[0]
        before = [m for m in sentence.before(follows.start()) if m.entity_id != survivor.entity_id]
        return survivor, before[-1] if before else mentions[0]
    of_absorbed = _MERGER_OF.search(text)
    if of_absorbed is not None and sentence.before(of_absorbed.start()):
        # "X has completed the merger of A into the group": with no name after "into", the
        # side taking A in is the subject.
        absorbed = next(iter(sentence.after(of_absorbed.end())), None)
        subject = sentence.before(of_absorbed.start())[0]
        if absorbed is not None and absorbed.entity_id != subject.entity_id:
            return subject, absorbed
    absorbs = _ABSORBS.search(text)
    if absorbs is not None and sentence.before(absorbs.start()) and sentence.after(absorbs.end()):
        return sentence.before(absorbs.start())[-1], sentence.after(absorbs.end())[0]
    first, second = mentions[0], mentions[1]
    for nearby in (text, sentence.next_text, sentence.previous_text):
        for cue, reach, names_survivor in _MERGER_ROLE_CUES:
            found = cue.search(nearby)
            if found is None:
                continue
            end = found.end() if names_survivor else found.start()
            named = _named_ids(nearby[max(0, found.start() - reach) : end], directory)
            if not named & {first.entity_id, second.entity_id}:
                continue
            # The order named stands unless the cue names only the side that order gets wrong.
            wrong_side, other = (second, first) if names_survivor else (first, second)
            if wrong_side.entity_id in named and other.entity_id not in named:
                return second, first
            return first, second
    return first, second


def _named_ids(text: str, directory: EntityDirectory) -> set[str]:
    return {m.entity_id for m in directory.mentions(text)}


# --- joint ventures -------------------------------------------------------------------------------


_NAME_WORDS = r"[A-Z][\w&'-]*(?:\s+(?:[A-Z][\w&'-]*|of|&)){0,5}"
#: Up to three words between a name and "joint venture" ("an equally owned", "their new 50:50"),
#: none of which makes the name a party to the venture rather than the venture itself.
_DESCRIBING_WORDS = r"(?:(?!partner|member|shareholder|owner|investor)[\w:/-]+\s+){0,3}?"
#: Ways an article names a new venture: "called X", "set up X, a joint venture", "X, their
#: 50:50 joint venture", "a joint venture, X, …", "the joint venture X will …".
_VENTURE_NAMES: tuple[re.Pattern[str], ...] = (
    re.compile(
        r"\b(?:called|named|to be known as)\s+[\"“]?(?P<name>[A-Z][^\"”,;]{2,80}?)[\"”]?"
        r"(?=[,;.]|\s+(?:to|in|with|which|that)\b)"
    ),
    re.compile(
        rf"(?P<name>{_NAME_WORDS})\s*,\s+(?:an?|the|their|its)\s+{_DESCRIBING_WORDS}"
        r"(?:joint[- ])?venture\b(?!\s+partners?\b)"
    ),
    re.compile(rf"\b(?:joint[- ]|[Tt]he (?:new )?)venture\s*,\s+(?P<name>{_NAME_WORDS})\s*,"),
    re.compile(
        rf"\bjoint[- ]venture\s+(?:company\s+)?(?P<name>{_NAME_WORDS})"
        r"(?=\s*[,;.]|\s+(?:to|in|which|that|will|would)\b)"
    ),
)
#: "50:50", "equally owned": two partners with half each, though no percentage is written.
_EQUAL_SPLIT = re.compile(
    r"\b(?:50[:/-]50|fifty[- ]fifty|equally[- ]owned|owned equally|equal (?:stakes|shares"
    r"|holdings|ownership|interests)|evenly split|split evenly|half each"
    r"|(?:own\w*|h[oe]ld\w*|shar\w*)\s+(?:(?:it|them|the\s+\w+)\s+)?equally)\b",
    re.I,
)


def _venture_name(text: str) -> tuple[str, tuple[int, int]] | None:
    """The venture's own name and its span, when the sentence gives one."""
    for pattern in _VENTURE_NAMES:
        match = pattern.search(text)
        if match is not None:
            return match.group("name").strip(), match.span("name")
    return None


#: "Lynas and e-VAC formed Palmetto Rare Earth Metals": two companies forming a third.
_FORMED = re.compile(
    r"\b(?:have\s+|has\s+)?(?:jointly\s+)?(?:formed|set up|established|created|founded"
    r"|launched|incorporated)\s+(?:a new company,?\s+)?",
)
#: "a 60:40 venture", "split 70/30": the partners' shares in the order the partners are named.
_RATIO = re.compile(r"(?<![\d.:/-])(\d{1,2}(?:\.\d+)?)\s*[:/-]\s*(\d{1,2}(?:\.\d+)?)(?![\d.:/%])")


def _formed_venture(sentence: Sentence, reading: Reading) -> tuple[str, tuple[int, int]] | None:
    """The new organisation two companies named before the verb formed, if the sentence says so
    with no "joint venture"."""
    for match in _FORMED.finditer(sentence.text):
        created = next((m for m in sentence.mentions if m.start == match.end()), None)
        founders = _distinct(
            [m for m in sentence.before(match.start()) if _is_company(m, reading.directory)]
        )
        between = sentence.text[founders[0].end : founders[-1].start] if founders else ""
        if (
            created is not None
            and len(founders) >= 2
            and re.search(r"\band\b|&", between)
            and created.entity_id not in {f.entity_id for f in founders}
        ):
            return created.surface, (created.start, created.end)
    return None


def venture_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    text = sentence.text
    formed = _formed_venture(sentence, reading)
    if formed is None and not re.search(
        r"\bjoint[- ]venture\b|\bJV\b|\b(?:formed|set up|established|created)\b[^.;]{0,80}"
        r"\bventure\b",
        text,
        re.I,
    ):
        return []
    named = formed or _venture_name(text)
    name, name_span = named if named else (None, (0, 0))
    mentions = _distinct(
        [m for m in sentence.mentions if not (m.start < name_span[1] and name_span[0] < m.end)]
    )
    partners = mentions
    if (
        name is not None
        and len(partners) == 1
        and sentence.issuer is not None
        and sentence.issuer.entity_id != partners[0].entity_id
        and _FIRST_PERSON.search(text[: name_span[0]])
    ):
        # "we completed the formation of X, a joint venture with Y": the company speaking.
        partners = [sentence.issuer, *partners]
    if name is not None and len(partners) < 2:
        # The "name" was a partner after all ("a joint venture, Lynas said, …").
        name, name_span = None, (0, 0)
        partners = _distinct(sentence.mentions)
    if len(partners) < 2:
        return []
    shares: dict[str, str] = {}
    partner_ids = {p.entity_id for p in partners}
    partner_mentions = [m for m in sentence.mentions if m.entity_id in partner_ids]
    for pct in sentence.percentages:
        owner = _owner_of(sentence, pct, partner_mentions)
        if owner is not None and owner.entity_id not in shares:
            shares[owner.entity_id] = str(pct.value)
    notes = []
    ratio = _RATIO.search(text)
    if (
        not shares
        and len(partners) == 2
        and ratio is not None
        and Decimal(ratio.group(1)) + Decimal(ratio.group(2)) == 100
    ):
        shares = {p.entity_id: r for p, r in zip(partners, ratio.groups(), strict=True)}
        notes.append(
            f"a {ratio.group()} split read in the order the partners are named:"
            f" {partners[0].surface} {ratio.group(1)}%, {partners[1].surface} {ratio.group(2)}%"
        )
    if not shares and len(partners) == 2 and _EQUAL_SPLIT.search(text):
        shares = {p.entity_id: "50" for p in partners}
        notes.append("an equal split of two partners: 50% each")
    known_venture = reading.directory.resolve(name) if name else None
    if known_venture is not None:
        venture_id = known_venture
    elif name:
        venture_id = "news_" + "_".join(re.findall(r"[a-z0-9]+", name.lower()))[:60]
    else:
        venture_id = "news_jv_" + "_".join(sorted(p.entity_id for p in partners))
    draft = Draft(
        {
            "type": "joint_venture_formed",
            "venture_id": venture_id,
            "name": name,
            "partners": [
                {
                    "entity_id": p.entity_id,
                    **({"pct": shares[p.entity_id]} if p.entity_id in shares else {}),
                }
                for p in partners
            ],
        }
    )
    draft.parties = list(partners)
    draft.notes.extend(notes)
    controlling = [
        p for p in partners if p.entity_id in shares and Decimal(shares[p.entity_id]) > 50
    ]
    if controlling:
        draft.fields["controlling_partner_id"] = controlling[0].entity_id
    draft.money = _consideration(sentence)
    draft.fields["consideration"] = _consideration_field(draft.money)
    return [draft]


#: "51% by X", "49 per cent held by Y": the owner follows the share.
_SHARE_BY = re.compile(r"^\s*(?:is\s+|are\s+)?(?:owned\s+|held\s+)?by\b", re.I)


def _owner_of(sentence: Sentence, pct: Quantity, partners: list[Mention]) -> Mention | None:
    if _SHARE_BY.match(sentence.text[pct.end :]):
        following = [p for p in partners if p.start >= pct.end and p.start - pct.end <= 25]
        return following[0] if following else None
    preceding = [p for p in partners if p.end <= pct.start and pct.start - p.end <= 30]
    if preceding:
        return preceding[-1]
    following = [p for p in partners if p.start >= pct.end and p.start - pct.end <= 25]
    return following[0] if following else None


# --- funding --------------------------------------------------------------------------------------

_INSTRUMENTS: tuple[tuple[str, str], ...] = (
    (r"\btax credit", "tax_credit"),
    (r"\bloan|\blend\w*|\bcredit facility|\bdebt financing", "loan"),
    (r"\bguarantee", "guarantee"),
    (
        r"\bofftake|\bprepay\w*|\bsupply agreement|\bpurchase commitment"
        r"|\bagree\w* to (?:buy|purchase)\b[^.;]{0,40}?\bof\b[^.;]{0,40}?\b(?:magnets?|oxides?"
        r"|metals?|alloys?|concentrates?|rare earths)\b",
        "offtake",
    ),
    (
        r"\bpreferred (?:stock|shares)|\bequity\b|\bconvertible"
        r"|\bnewly[- ]issued\b[^.;]{0,30}\b(?:stock|shares)\b|\bnew shares\b",
        "equity",
    ),
    (r"\bgrant\w*|\baward\w*", "grant"),
)


#: Equity bought from its holders changes who owns a company; it funds no one ("the purchase of
#: additional equity in X from Y").
_EQUITY_BOUGHT = (
    r"\b(?:purchas\w*|acqui\w*|bought|buy\w*)\s+(?:of\s+)?(?:[\w%.-]+\s+){0,6}?equity\b"
)


def funding_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    text = sentence.text
    instrument = next(
        (kind for pattern, kind in _INSTRUMENTS if re.search(pattern, text, re.I)), None
    )
    if instrument is None or not sentence.money:
        return []
    if re.search(
        r"\bjoint venture\b|\b(?:price floor|floor price|minimum price)\b|\bquota\b", text, re.I
    ):
        return []
    if all(_is_price(sentence, money) for money in sentence.money):
        return []
    # "… its first equity raise since the Defense Department became its largest shareholder":
    # a name inside a clause of time or reason is not a party to the funding.
    mentions = _distinct([m for m in sentence.mentions if not _SUBORDINATE.search(text[: m.start])])
    # "the Department" after a registered state body was named is that body; otherwise an
    # unregistered department or "the government" stands for the country's government.
    government = _state_body(sentence, reading, len(text)) or _unnamed_government(sentence, reading)
    if government is not None and _SUBORDINATE.search(text[: government.start]):
        government = None
    if len(mentions) <= 1 and government is not None:
        mentions = _distinct([government, *mentions])
    if (
        instrument == "equity"
        and not re.search(r"preferred|convertible", text, re.I)
        and not any(_is_funder(m, reading) for m in mentions)
    ):
        # A company buying shares takes a stake; it funds no one. A state buying new shares
        # does both.
        return []
    referred = None
    if (
        len(mentions) == 1
        and _is_funder(mentions[0], reading)
        and (referent := sentence.referent) is not None
        and referent.entity_id != mentions[0].entity_id
        and _is_company(referent, reading.directory)
        and _FUNDS.search(text)
    ):
        # "The DoD is buying US$400 million of preferred stock": the article's company is the
        # one funded.
        mentions, referred = [mentions[0], referent], referent
    if len(mentions) < 2:
        return []
    source_of = re.search(r"\bfrom\b", text)
    funder = None
    if instrument == "offtake" and source_of is not None:
        # "Apple has agreed to buy US$250m of magnets from X": the buyer funds the seller.
        buyers = [m for m in mentions if m.end <= source_of.start()]
        funder = buyers[0] if buyers else None
    elif source_of is not None:
        after = sentence.after(source_of.end())
        funder = next((m for m in after if _is_funder(m, reading)), after[0] if after else None)
    if funder is None:
        funder = _state_first(mentions, reading.directory)[0]
        if not _is_funder(funder, reading):
            funder = mentions[0]
    recipient = next((m for m in mentions if m.entity_id != funder.entity_id), None)
    if recipient is None:
        return []
    draft = Draft(
        {
            "type": "funding_awarded",
            "funder_id": funder.entity_id,
            "recipient_id": recipient.entity_id,
            "instrument": instrument,
        }
    )
    draft.parties = [funder, recipient]
    if referred is not None:
        draft.cap(
            REFERRED_CAP,
            f"the sentence does not name the recipient: {referred.surface!r}, the company the"
            " article is about, assumed",
        )
    if (_HELD_FUNDING.search(text) and not _FUNDS.search(text)) or _ALREADY_GIVEN.search(text):
        draft.cap(0.5, "funding the recipient already has, not funding awarded: background")
    draft.money = _consideration(sentence)
    draft.fields["amount"] = _consideration_field(draft.money)
    return [draft]


#: A clause of time, reason or description that the text just before a name opens.
_SUBORDINATE = re.compile(
    r"\b(?:since|because|although|whereas|while)\s+(?:the\s+)?[^,;()]*$", re.I
)
#: "the A$1.65 billion in loans already provided to Iluka": funding told as history.
_ALREADY_GIVEN = re.compile(
    r"\balready (?:provided|granted|lent|awarded|extended|committed|given|approved)\b", re.I
)
#: "Iluka has an A$1.65 billion loan package from …": funding held, told as background.
_HELD_FUNDING = re.compile(
    r"\b(?:has|have|had|holds|hold)\s+(?:an?\s+|the\s+|its\s+|their\s+|(?=[A-Z]{0,3}\$))"
    r"(?:[\w$.,-]+\s+){0,8}?(?:loans?|grants?|facilit(?:y|ies)|package|funding|support)\b",
    re.I,
)


#: "A$95 per kilogram", "US$110/kg": a price, not a sum of money given or lent.
_PER_UNIT = re.compile(
    r"^\s*(?:per|a|an|/)\s*(?:kilo(?:gram)?s?|kg|tonnes?|tons?|t|pounds?|lbs?)\b", re.I
)


def _is_price(sentence: Sentence, money: Money) -> bool:
    return _PER_UNIT.match(sentence.text[money.end :]) is not None


#: "the government", "the federal government": a state the sentence leaves unnamed.
_THE_GOVERNMENT = re.compile(
    r"\b[Tt]he (?:federal |national |central |state )?(?:government|administration)\b"
    # A department that is not registered stands for its government: "the Commerce
    # Department", "the Department of Energy", "the Treasury".
    r"|\b[Tt]he (?:[A-Z][a-z]+ )?Department\b(?: of [A-Z][a-z]+)?|\b[Tt]he Treasury\b"
    r"|(?i:\b(?:energy|commerce|interior) department\b|\bdepartment of (?:energy|commerce)\b)"
)


def _unnamed_government(sentence: Sentence, reading: Reading) -> Mention | None:
    """The government of the country the sentence or the text just before it is about, for a
    sentence that says only "the government", when that government is registered."""
    said = _THE_GOVERNMENT.search(sentence.text)
    country = _context_jurisdiction(sentence, reading)
    if said is None or country is None:
        return None
    government = f"{country.lower()}_government"
    known = reading.directory.entities.get(government)
    if known is None or known.kind != "state":
        return None
    return Mention(government, said.group(), said.start(), said.end())


def _context_jurisdiction(sentence: Sentence, reading: Reading) -> str | None:
    """The country the sentence is about, or else the text just before it, the title or the
    article's opening."""
    for context in (
        sentence.text,
        sentence.previous_text,
        reading.article.title or "",
        reading.article.text[:300],
    ):
        country = _jurisdiction(context)
        if country is not None:
            return country
    return None


#: A state doing the funding, not funding described as background ("backed by loans").
_FUNDS = re.compile(
    r"\b(?:lend|lends|lent|lending|award(?:s|ed|ing)?|grant(?:s|ed|ing)|approv(?:es|ed)"
    r"|provid(?:es|ed|ing)|pa(?:id|ys|ying)|buys"
    r"|buying|bought|invest(?:s|ed|ing)|commit(?:s|ted)|extend(?:s|ed)|agree(?:s|d)|sign(?:s|ed)"
    r"|subscrib(?:es|ed|ing))\b",
    re.I,
)


#: A state body referred to by its kind: "the department is buying …", "the ministry will lend".
_STATE_BODY = re.compile(
    r"\b(?:the|The) (?:[Dd]epartment|[Mm]inistry|[Aa]gency|Pentagon|Commonwealth)\b(?! of)"
)


def _state_body(sentence: Sentence, reading: Reading, end: int) -> Mention | None:
    """The state body "the department" before `end` means: the last one the sentences just
    before named."""
    bodies = list(_STATE_BODY.finditer(sentence.text, 0, end))
    if not bodies:
        return None
    said = bodies[-1]
    for earlier in reversed(sentence.earlier):
        named = [m for m in earlier.mentions if _is_funder(m, reading)]
        if named:
            return Mention(named[-1].entity_id, said.group(), said.start(), said.end())
    return None


def _is_funder(mention: Mention, reading: Reading) -> bool:
    known = reading.directory.entities.get(mention.entity_id)
    return known is not None and known.kind in ("state", "fund")


# --- export controls ------------------------------------------------------------------------------

_CONTROL_WORDS = re.compile(
    r"\bexport (?:controls?|licen[cs]\w*|restrictions?|bans?|curbs?|prohibitions?)"
    r"|\bban\w* (?:the )?export\w*|\bbans? on (?:the )?export\w*"
    r"|\brestrict\w* (?:the )?exports?|\blicen[cs]es? to export"
    r"|\bprohibit\w* (?:the )?export\w*|\bprohibitions? on (?:the )?export\w*"
    r"|\bbar(?:s|red|ring)? (?:the )?export\w*|\bforb(?:id|ids|ade|idding) (?:the )?export\w*"
    r"|\b(?:prohibited|banned|barred|forbidden|restricted) from export\w*"
    r"|\bno longer be exported|\b(?:may|can|will) no longer (?:ship|export|sell|supply)\w*"
    # India's wording: an item's export policy amended from "Free" to "Restricted".
    r"|\bexport policy\b[^.;]{0,200}?\bto\s+[\"“']?(?:Restricted|Prohibited)\b"
    r"|\bexported only (?:under|with|against) (?:an? )?(?:licen|authori[sz]ation|permit)"
    r"|\bexports?\b[^.;]{0,60}?\b(?:shall|will|may) not be (?:permitted|allowed)"
    r"|\brequir\w* (?:all )?(?:exporters|exporting (?:companies|firms)|shippers|traders)\b"
    r"[^.;]{0,120}?"
    r"\b(?:licen[cs]es?|permits?|approval)\b"
    r"|\b(?:exporters|shipments|exports)\b[^.;]{0,50}?\b(?:must|need to|needs to|have to|has to"
    r"|are required to|is required to|will need to|will have to)"
    r" (?:hold|obtain|apply for|get|seek|have) (?:a |an )?(?:licen[cs]es?|permits?|approval)\b"
    r"|\b(?:exporters|shipments|exports)\b[^.;]{0,50}?\b(?:need|needs|require|requires|will need"
    r"|will require) (?:a |an )?(?:(?:government|state|official|export) )?(?:licen[cs]es?|permits?"
    r"|permission|approval|authori[sz]ation)\b"
    r"|\bexports? of [^.;]{1,80}? (?:are|is|were|was|will be|have been|has been) (?:now )?"
    r"(?:banned|prohibited|barred|forbidden|restricted)\b",
    re.I,
)
_BAN = re.compile(
    r"\bban\w*|\bprohibit\w*|\bbarr(?:ed|ing)\b|\bbars? (?:the )?export|\bforb[ia]d\w*"
    r"|no longer be exported|no longer (?:ship|export|sell|supply)|not be (?:permitted|allowed)",
    re.I,
)
#: Where the goods a control covers stop being named: the clause that dates it or reports it.
_OBJECT_END = re.compile(
    r"\b(?:took|takes|take|will take|came|comes|come|entered|enters|went|goes)\s+"
    r"(?:effect|into (?:force|effect))|\b(?:from|effective|starting|as of|said|says|according to)\b"
    r"|;",
    re.I,
)
#: Material before any processing, the mining stage's product.
_RAW = re.compile(r"\b(?:unprocessed|raw|unrefined|crude)\b", re.I)
#: Know-how rather than material: the reference data models such a control with the commodity
#: `rare_earth_technology` and the element group `all`.
_TECHNOLOGY = re.compile(
    r"\btechnolog\w*|\bknow[- ]how\b|\bexpertise\b|\btechniques?\b"
    r"|\b(?:process(?:es|ing)?|production|manufacturing) (?:methods?|processes)\b",
    re.I,
)
#: "some rare earths", "seven rare earths": a subset the sentence does not list.
_SUBSET_OF_RARE_EARTHS = re.compile(
    r"\b(?:some|several|certain|a few|selected|specific|two|three|four|five|six|seven|eight|nine"
    r"|ten|\d+)\s+(?:(?:more|other)\s+)?rare[- ]earths?",
    re.I,
)
#: Words that say the measure is being taken, not only talked about as background.
_IMPOSED = re.compile(
    r"\b(?:impos\w*|introduc\w*|announc\w*|adopt\w*|enact\w*|order\w*|decree\w*|prohibits|bans"
    r"|banned|took effect|takes effect|take effect|(?:came|comes|entered|enters|went|goes)"
    r" into (?:force|effect)|now in force|in force from)\b",
    re.I,
)


#: A control named without the word "export", in an article about exports: "the licence
#: requirement", "the licensing regime", "the curbs".
_CONTROL_WITHOUT_EXPORT = re.compile(
    r"\b(?:licen[cs]\w*|controls|restrictions|curbs|measures)\b", re.I
)


#: A control spoken of as standing, not as news: "is untouched", "exporters still need a
#: permit", "remain in force".
_STANDING = re.compile(
    # Not "already": "China, which already dominates supply, imposed licences" is news.
    r"\b(?:still|untouched|unchanged|not affected|remains? in (?:force|place|effect)"
    r"|continues? to apply|had applied|has applied|have applied|stays? in place"
    r"|continues? to be (?:implemented|enforced|applied|in force)|remains? valid)\b",
    re.I,
)


#: A change that stands from before: "remain suspended", "stays lifted".
_STILL_CHANGED = re.compile(
    r"\b(?:remains?|remained|stays?|stayed|is still|are still)\s+"
    r"(?:suspended|lifted|paused|on hold)\b",
    re.I,
)
#: A licence that is not needed: "exporters are not required to apply for a licence".
_NOT_REQUIRED = re.compile(
    r"\b(?:not|no longer) (?:be )?(?:required|needed|obliged)\b|\bneed not\b"
    r"|\b(?:do|does|will) not (?:need|require)\b|\bno (?:longer )?need\b",
    re.I,
)
#: An item of a list a notice spells out after the sentence making the control: "(1) samarium
#: metal; samarium-cobalt magnets; …".
_LIST_ITEM = re.compile(r"^(?:\(?\d{1,2}\)|\d{1,2}\.|[IVX]{1,4}\.|[-•*])\s")


def export_control_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    text = sentence.text
    control = _CONTROL_WORDS.search(text)
    if control is None:
        # A change to a control may name it loosely when the article is about exports.
        loose = _CONTROL_WITHOUT_EXPORT.search(text)
        about_exports = re.search(
            r"\bexport", f"{reading.article.title}\n{sentence.previous_text}\n{text}", re.I
        )
        if loose is None or not _CHANGE_VERB.search(text) or about_exports is None:
            return []
        control = loose
    lowered = sentence.lower
    jurisdiction = _policy_jurisdiction(text, control.start()) or _jurisdiction(
        reading.article.title or ""
    )
    if jurisdiction is None:
        return []
    if _NOT_REQUIRED.search(text) or _STILL_CHANGED.search(text):
        # "during the suspension exporters will not need a licence", "the October measures
        # remain suspended": no change in this sentence.
        return []
    if re.search(r"\b(?:suspend\w*|paus\w*|halt\w*|defer\w*|put on hold)\b", lowered):
        return _control_change(sentence, reading, jurisdiction, "export_control_suspended")
    if re.search(
        r"\b(?:lift\w*|scrap\w*|revok\w*|rescind\w*|withdr[ae]w\w*|remov\w*|end(?:s|ed)?)\b(?!-)",
        lowered,
    ):
        return _control_change(sentence, reading, jurisdiction, "export_control_lifted")
    if _STANDING.search(text) or _NOT_REQUIRED.search(text):
        return []
    # The goods covered: the control's own words and what follows them up to the clause that
    # dates or reports the measure, so that "ore shipped to refineries" later in the sentence
    # does not add a stage.
    following = text[control.end() :]
    object_end = _OBJECT_END.search(following)
    covered = control.group() + (following[: object_end.start()] if object_end else following)
    elements = sorted(
        {symbol for name, symbol in ELEMENTS.items() if re.search(rf"\b{name}\b", lowered)},
        key=list(ELEMENTS.values()).index,
    )
    groups = []
    group = _element_group(text)
    notes = []
    commodity = "rare_earths"
    if _TECHNOLOGY.search(covered) and (elements or group or re.search(r"\bmagnets?\b", lowered)):
        commodity = "rare_earth_technology"
        elements, groups = [], ["all"]
        notes.append("a control on know-how: commodity rare_earth_technology, element group all")
    elif group in ("heavy_reo", "light_reo"):
        groups.append(group)
    elif not elements and group == "total_reo":
        if _SUBSET_OF_RARE_EARTHS.search(text) or not _IMPOSED.search(text):
            return []
        elements = list(ELEMENTS.values())
        notes.append("rare earths with no element named: every rare-earth element")
    if not elements and not groups:
        return _other_commodity_controls(sentence, reading, jurisdiction, covered)
    stages = _stages(covered)
    if _RAW.search(covered) and "mining" not in stages:
        stages = sorted({*stages, "mining"}, key=_STAGE_ORDER.index)
    stages = stages or _stages(text) or _listed_stages(sentence)
    draft = Draft(
        {
            "type": "export_control_imposed",
            "jurisdiction": jurisdiction,
            "commodity": commodity,
            "elements": elements,
            "element_groups": groups,
            "restriction": "ban" if _BAN.search(text) else "licence",
        },
        notes=notes,
    )
    if not stages:
        stages = ["separation"]
        draft.cap(REVIEW_CAP, "the text names no stage: separation assumed")
    draft.fields["stages"] = stages
    effective = _effective(sentence, reading)
    draft.fields["effective_from"] = effective.isoformat() if effective else None
    if effective is None:
        return []
    draft.fields["control_id"] = f"news-{jurisdiction.lower()}-{effective.isoformat()}"
    return [draft]


def _listed_stages(sentence: Sentence) -> list[str]:
    """The stages of the items a notice lists in the lines after the sentence making the
    control ("(1) samarium metal; samarium-cobalt permanent magnets; samarium oxide")."""
    stages: set[str] = set()
    for text, _dates in sentence.following:
        if _LIST_ITEM.match(text):
            stages.update(_stages(text))
    return sorted(stages, key=_STAGE_ORDER.index)


def _other_commodity_controls(
    sentence: Sentence, reading: Reading, jurisdiction: str, covered: str
) -> list[Draft]:
    """A control on commodities other than rare earths ("exporters of gallium and germanium
    will need a licence"): one control per commodity, each over the whole commodity, as the
    reference data records them."""
    effective = _effective(sentence, reading)
    if effective is None:
        return []
    named_stages = _stages(covered)
    stages = named_stages or ["separation", "metals"]
    drafts = []
    for commodity in sorted(_commodities_named(sentence.lower)):
        draft = Draft(
            {
                "type": "export_control_imposed",
                "control_id": f"news-{jurisdiction.lower()}-{commodity}-{effective.isoformat()}",
                "jurisdiction": jurisdiction,
                "commodity": commodity,
                "elements": [],
                "element_groups": ["all"],
                "stages": stages,
                "restriction": "ban" if _BAN.search(sentence.text) else "licence",
                "effective_from": effective.isoformat(),
            }
        )
        if not named_stages:
            draft.notes.append("the text names no stage: refined material and metal assumed")
        drafts.append(draft)
    return drafts


_EFFECT_MARKER = re.compile(
    r"\b(?:from|effective|starting|as of|takes effect on|with effect from"
    r"|(?:took|takes|take|will take|has taken|have taken) effect|(?:came|comes|come|entered|enters"
    r"|went|goes) into (?:force|effect)|applies from|apply from|in force from"
    r"|ends|will end|expires|lapses|ceases)\b",
    re.I,
)
#: A sentence that goes on about the measure just reported: "The ban took effect yesterday."
_MEASURE_FOLLOW_UP = re.compile(
    r"^(?:\d+\.\s+)?(?:(?:The|This|These|Those|Its)\s+(?:new\s+)?(?:ban|measures?|controls?"
    r"|restrictions?|rules?|decree|order|notice|suspension|pause|prohibition|curbs?|licen[cs]ing"
    r"|requirements?"
    r"|regime|tariffs?|dut(?:y|ies)|levy|floor|price floor)\b|It\b)"
)


def _effective(sentence: Sentence, reading: Reading) -> date | None:
    """When a measure applies from: a date after an effect marker in the sentence, else one in
    the next sentence when that sentence goes on about the measure ("The ban took effect
    yesterday."), else the date the sentence reports it."""
    marker = _EFFECT_MARKER.search(sentence.text)
    if marker is not None:
        later = [d for d in sentence.dates if d.start >= marker.end()]
        if later:
            return later[0].value
    if _MEASURE_FOLLOW_UP.match(sentence.next_text):
        follow = _EFFECT_MARKER.search(sentence.next_text)
        if follow is not None:
            later = [d for d in sentence.next_dates if d.start >= follow.end()]
            if later:
                return later[0].value
    return _occurred(sentence, reading)


_CHANGE_VERB = re.compile(
    r"\b(?:suspend\w*|paus\w*|halt\w*|defer\w*|put on hold|lift\w*|scrap\w*|revok\w*"
    r"|rescind\w*|withdr[ae]w\w*|remov\w*|end(?:s|ed)?)\b",
    re.I,
)
#: A date that says when the control being changed was made: "the measures published on
#: October 9", "the controls it imposed in April".
_DESCRIBES_CONTROL = re.compile(
    r"\b(?:imposed|published|introduced|issued|announced|adopted|unveiled|of)\s+(?:on\s+|in\s+)?$"
    # "the items added to the Catalogue of … on 21 December 2023", "in force since 1 August".
    r"|\b(?:added|listed|imposed|introduced|in force|in place|applied)\b[^.;,]{0,100}?"
    r"\b(?:on|in|since)\s+$|\bsince\s+$",
    re.I,
)
_IMMEDIATE = re.compile(r"\bimmediate(?:ly)?\b", re.I)
#: A sentence telling when a notice was issued: "The ministry issued the notice on Friday."
_ISSUED = re.compile(r"\b(?:issued|announced|published|released|said|notified|unveiled)\b", re.I)


def _control_dates(sentence: Sentence) -> tuple[list[DateMention], list[DateMention]]:
    """(the dates describing the control being changed, the others)."""
    text = sentence.text
    control = _CONTROL_WORDS.search(text)
    change = _CHANGE_VERB.search(text, control.end() if control else 0)
    describing, others = [], []
    for mention in sentence.dates:
        inside = control is not None and change is not None and control.start() <= mention.start
        inside = inside and change is not None and mention.start < change.start()
        if inside or _DESCRIBES_CONTROL.search(text[max(0, mention.start - 120) : mention.start]):
            describing.append(mention)
        else:
            others.append(mention)
    return describing, others


def _change_effective(sentence: Sentence, reading: Reading) -> date | None:
    """When a suspension or lifting applies. "With immediate effect" is the day the notice was
    issued: a date the sentence gives for it, else the one the sentence before gives for the
    issuing ("issued the notice on Friday"), else the article's date."""
    _describing, others = _control_dates(sentence)
    own = replace(sentence, dates=others)
    immediate_here = _IMMEDIATE.search(sentence.text) is not None
    immediate_after = any(
        _IMMEDIATE.search(text) and _ABOUT_THE_CHANGE.search(text)
        for text, _dates in sentence.following
    )
    if not immediate_here and not immediate_after:
        return _effective(own, reading)
    limit = reading.article_date
    if immediate_here:
        # A day: "in April" names when the control was made, not when it was suspended.
        for mention in others:
            if mention.precision == "day" and (limit is None or mention.value <= limit):
                return mention.value
    for text, dates in ((sentence.previous_text, sentence.previous_dates), *sentence.following):
        issued = _ISSUED.search(text)
        days = [
            d
            for d in dates
            if issued is not None
            and d.precision == "day"
            and (limit is None or d.value <= limit)
            and abs(d.start - issued.end()) <= 20
        ]
        if days:
            return days[0].value
    return reading.article_date


#: A sentence that goes on about a suspension or lifting just reported.
_ABOUT_THE_CHANGE = re.compile(
    r"\b(?:suspension|pause|lifting|removal|the (?:notice|announcement|decision|change|move)"
    r"|it)\b",
    re.I,
)


#: "the October measures": a control named by the month it was imposed in.
_NAMED_BY_MONTH = (
    r"\b(january|february|march|april|may|june|july|august|september|october|november"
    r"|december)(?:'s)? (?:export )?(?:measures|controls|rules|restrictions)"
)


#: "the requirement it imposed on seven rare earths in April": the month the control was made.
_MADE_IN_MONTH = (
    r"\b(?:imposed|introduced|announced|issued|published|adopted|unveiled|placed)\b[^.;]{0,60}?"
    r"\bin (?:early |mid-?|late )?(january|february|march|april|may|june|july|august|september"
    r"|october|november|december)\b"
)
#: "the seven rare earths", "five more heavy rare earths": a control known by how many it covers.
_COUNTED_ELEMENTS = (
    r"\b(two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?:more\s+|other\s+)?"
    r"(?:medium(?:[- ]and[- ]|\s+)heavy\s+|heavy\s+|light\s+)?rare[- ]earth(?:s| elements)\b"
)
_NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    )
} | {str(number): number for number in range(1, 18)}


def _control_change(
    sentence: Sentence, reading: Reading, jurisdiction: str, kind: str
) -> list[Draft]:
    known = [c for c in reading.directory.controls if c.jurisdiction == jurisdiction]
    if not known:
        return []
    lowered = sentence.lower
    mentioned = {symbol for name, symbol in ELEMENTS.items() if re.search(rf"\b{name}\b", lowered)}
    describing, _others = _control_dates(sentence)
    described_days = {d.value for d in describing if d.precision == "day"}
    chosen = next(
        (c for c in known if described_days & {c.effective_from, c.announced}),
        None,
    )
    for control in sorted(known, key=lambda c: c.effective_from, reverse=True):
        if chosen is not None:
            break
        if mentioned and mentioned & set(control.elements):
            chosen = control
            break
        month_names = re.findall(_NAMED_BY_MONTH, lowered) + re.findall(_MADE_IN_MONTH, lowered)
        if month_names and month_names[0] == control.effective_from.strftime("%B").lower():
            chosen = control
            break
        counted = re.search(_COUNTED_ELEMENTS, lowered)
        if counted and _NUMBER_WORDS.get(counted.group(1)) == len(control.elements):
            chosen = control
            break
    note = None
    if chosen is None and _TECHNOLOGY.search(lowered.replace("science and technology", "")):
        # Know-how named with no element, day or month: the control on rare-earth technology.
        chosen = next((c for c in known if c.commodity == "rare_earth_technology"), None)
    if chosen is None:
        chosen = max(known, key=lambda c: c.effective_from)
        note = f"the control is not named: the latest recorded one ({chosen.control_id}) assumed"
    # Controls on other commodities are named by their commodity: "the licences for gallium and
    # germanium" changes both.
    commodities = _commodities_named(lowered)
    by_commodity = [c for c in known if c.commodity in commodities]
    changed = by_commodity or [chosen]
    if by_commodity:
        note = None
    effective = _change_effective(sentence, reading)
    if effective is None:
        return []
    # Dated by the change, not by the day the control it changes was made.
    immediate = _IMMEDIATE.search(sentence.text) is not None
    occurred = effective if immediate else _occurred(replace(sentence, dates=_others), reading)
    until = _suspended_until(sentence) if kind == "export_control_suspended" else None
    drafts = []
    for control in changed:
        draft = Draft({"type": kind, "control_id": control.control_id})
        draft.occurred = occurred
        draft.fields["effective_from"] = effective.isoformat()
        if until is not None:
            draft.fields["effective_until"] = until.isoformat()
        if note:
            draft.cap(REVIEW_CAP, note)
        drafts.append(draft)
    return drafts


#: Commodities other than rare earths that export controls name; each is its own slug.
_OTHER_COMMODITIES = (
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
)


def _commodities_named(lowered: str) -> set[str]:
    return {word for word in _OTHER_COMMODITIES if re.search(rf"\b{word}\b", lowered)}


#: "until 30 June 2026", "runs to the end of June", "for a year, to 10 November 2026".
_UNTIL = re.compile(r"\b(?:until|till|through|to the end of|runs to|lasts to|expir\w* on)\b", re.I)


def _suspended_until(sentence: Sentence) -> date | None:
    """The last day of a suspension: a date after "until" in the sentence, else in the next one
    when that goes on about the measure ("The suspension runs until 30 June 2026.")."""
    for text, dates in (
        (sentence.text, sentence.dates),
        *(
            (text, dates)
            for text, dates in sentence.following
            if _MEASURE_FOLLOW_UP.match(text) or _ABOUT_THE_CHANGE.search(text)
        ),
    ):
        until = _UNTIL.search(text)
        ends = [
            d for d in dates if until and d.start > until.end() and d.precision in ("day", "month")
        ]
        if ends:
            return ends[0].value
    return None


# --- quotas ---------------------------------------------------------------------------------------


#: "X was allocated / given / handed 94,580 tonnes", "X received a quota of …", "X's quota".
_QUOTA_TO = re.compile(
    r"\b(?:allocated|allotted|granted|given|handed|awarded|assigned|received|receives|gets|got"
    r"|obtained|its quotas?|its allocations?)\b",
    re.I,
)
#: "X's smelting and separation quota was set at …": the quota's holder by its possessive.
_OWNERS_QUOTA = re.compile(r"^[^,;'’()-]{1,60}?(?:'s|’s)\s+(?:[\w-]+\s+){0,4}?quotas?\b")
#: "600 tonnes is allocated to X", "… goes to X": the quota's holder after the tonnage.
_QUOTA_GOES_TO = re.compile(
    r"^[^.;]{0,40}?\b(?:allocated|allotted|granted|given|assigned|awarded|goes|go|went) to"
    r"\s+(?:the\s+)?$",
    re.I,
)
#: "the company has been allocated a quota of …", "it received quotas of …".
_ALLOCATED_TO_IT = re.compile(
    r"(?:\b(?:the|The) (?:same |new |state )?(?:company|group)|^It|\bit)\b[^.;]{0,60}?"
    r"\b(?:allocated|allotted|granted|received|given|handed"
    r"|been issued|its quotas?)\b"
    r"|^(?:Its|The company's|The group's) (?:allocation|quota|share)\b"
)


#: An export quota in other words: "the volume permitted for export", "allowed to be exported".
_EXPORT_ALLOWED = (
    r"\bexport quotas?\b|\b(?:allowed|permitted|authori[sz]ed|licensed) (?:for export|to be"
    r" exported)\b"
)
#: How articles speak of a quota: "mining quota", "allowances", "allocated 40,000 tonnes",
#: "allowed 270,000 tonnes to be mined", "a production cap".
_QUOTA_WORDS = re.compile(
    r"\bquotas?\b|\ballowances?\b|\ballocat\w*|\ballot\w*"
    r"|\b(?:allowed|permitted|authori[sz]ed)\b[^.;]{0,60}?\bto be (?:mined|produced|extracted"
    r"|smelted|separated|refined|processed)\b"
    r"|\b(?:production|mining|output|smelting|separation) (?:caps?|ceilings?|limits?)\b"
    r"|" + _EXPORT_ALLOWED,
    re.I,
)
#: "tonnes of rare-earth oxide": the unit of a quota, which says nothing of its stage.
_OXIDE_UNIT = re.compile(
    r"\b(?:tonnes|tons|t)\s+of\s+(?:(?:ion[- ]adsorption|light|heavy|medium(?: and heavy)?)\s+)?"
    r"(?:\([^)]{1,30}\)\s+)?(?:rare[- ]earth\s+)?oxides?(?:\s+equivalent)?(?:\s+\(REO\))?",
    re.I,
)


def _without_oxide_unit(text: str) -> str:
    """`text` with "tonnes of rare-earth oxide" read as plain tonnes, every offset kept: the
    unit a figure is counted in names no stage."""
    return _OXIDE_UNIT.sub(lambda unit: "t" + " " * (len(unit.group()) - 1), text)


def quota_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    text = sentence.text
    # "The group was also given 37,400 tonnes …" after a sentence about a quota carries it on.
    carried_on = any(_QUOTA_WORDS.search(e.text) for e in sentence.earlier[-2:]) and re.search(
        r"\b(?:given|granted|received|allotted|handed)\b", text
    )
    if not (_QUOTA_WORDS.search(text) or carried_on) or not sentence.tonnes:
        return []
    jurisdiction = _jurisdiction(text) or _jurisdiction(reading.article.title or "")
    if jurisdiction is None and (referent := sentence.referent) is not None:
        # A company's own answer about its quota: the quota of the company's country.
        known = reading.directory.entities.get(referent.entity_id)
        jurisdiction = known.country if known is not None else None
    if jurisdiction is None:
        return []
    # "7.3% less than in the first batch of 2023": a year compared with is not the quota's.
    compared = [
        m.start()
        for m in re.finditer(r"\b(?:than|compared (?:with|to)|versus|against)\b", text, re.I)
    ]
    stated = [
        int(y.group(1))
        for y in re.finditer(r"\b(?:in|for|during|of)\s+((?:19|20)\d\d)\b", text)
        if not any(0 <= y.start() - c <= 40 for c in compared)
    ]
    period = stated[0] if stated else (None if find_years(text) else _year(sentence, reading))
    period_note = None
    if period is None:
        period, period_note = _article_year(reading)
    if period is None:
        return []
    # Stages are read with the quota's unit and the dateline ("(Asia Metals Wire)") blanked
    # out, keeping every offset.
    text = _without_oxide_unit(text)
    if dateline := _DATELINE.match(text):
        text = " " * dateline.end() + text[dateline.end() :]
    export = re.search(_EXPORT_ALLOWED, text, re.I) is not None
    previous = sentence.previous_text
    companies = [
        m
        for m in sentence.mentions
        if (e := reading.directory.entities.get(m.entity_id)) is None or e.kind == "company"
    ]
    drafts = []
    stage_after = _stage_follows_tonnage(text, sentence.tonnes)
    for index, tonnes in enumerate(sentence.tonnes):
        segment_start = sentence.tonnes[index - 1].end if index else 0
        segment_end = (
            sentence.tonnes[index + 1].start if index + 1 < len(sentence.tonnes) else len(text)
        )
        if stage_after:
            stage = _first_stage(text[tonnes.end : segment_end])
        else:
            stage = _last_stage(text[segment_start : tonnes.start])
        if stage is None and _PART_OF_TOTAL.match(text) and _QUOTA_WORDS.search(previous):
            # "Of the total, 600 tonnes is allocated to X": a share of the quota just set.
            stage = _last_stage(_without_oxide_unit(previous))
            export = export or re.search(_EXPORT_ALLOWED, previous, re.I) is not None
        if stage is None:
            continue
        draft = Draft(
            {
                "type": "quota_set",
                "jurisdiction": jurisdiction,
                "quota_kind": "export" if export else "production",
                "element_group": _element_group(sentence.text[segment_start:segment_end])
                or _element_group(sentence.text)
                or "total_reo",
                "stage": stage,
                "tonnes": str(tonnes.value),
                "period": period,
            }
        )
        owner = [c for c in companies if c.end <= tonnes.start]
        given_to = [
            c
            for c in companies
            if c.start >= tonnes.end and _QUOTA_GOES_TO.match(text[tonnes.end : c.start])
        ]
        if owner and (
            _QUOTA_TO.search(text[owner[-1].start : tonnes.start])
            or _OWNERS_QUOTA.match(text[owner[-1].start : tonnes.start])
        ):
            draft.fields["entity_id"] = owner[-1].entity_id
            draft.parties = [owner[-1]]
        elif given_to:
            draft.fields["entity_id"] = given_to[0].entity_id
            draft.parties = [given_to[0]]
        elif (
            not owner
            and (referent := sentence.referent) is not None
            and _ALLOCATED_TO_IT.search(text[: tonnes.start])
        ):
            draft.fields["entity_id"] = referent.entity_id
            draft.parties = [referent]
            draft.cap(
                REFERRED_CAP,
                f"the sentence does not name the company: {referent.surface!r}, the company"
                " the article is about, assumed",
            )
        if tonnes.approximate:
            draft.cap(0.65, f"the tonnage is approximate ({tonnes.value} t)")
        if reading.article_date is not None and period < reading.article_date.year - 1:
            draft.cap(0.5, f"a quota for {period}, told for comparison")
        if period_note:
            draft.notes.append(period_note)
        drafts.append(draft)
    return drafts


def _article_year(reading: Reading) -> tuple[int | None, str | None]:
    """The year an article is about, for a sentence that gives none: the year in its title,
    else the year it was published."""
    title_years = re.findall(r"\b20\d\d\b", reading.article.title or "")
    if title_years:
        return int(title_years[0]), f"the sentence gives no year: {title_years[0]}, the title's"
    if reading.article_date is not None:
        year = reading.article_date.year
        return year, f"the sentence gives no year: {year}, the article's"
    return None, None


def _stage_positions(text: str) -> list[tuple[int, str]]:
    lowered = text.lower()
    return sorted(
        (m.start(), stage) for pattern, stage in _STAGE_WORDS for m in re.finditer(pattern, lowered)
    )


def _first_stage(text: str) -> str | None:
    positions = _stage_positions(text)
    return positions[0][1] if positions else None


def _last_stage(text: str) -> str | None:
    positions = _stage_positions(text)
    return positions[-1][1] if positions else None


def _stage_follows_tonnage(text: str, tonnages: list[Quantity]) -> bool:
    """Whether the sentence says "135,000 tonnes for mining" rather than "mining quota of
    135,000 tonnes": decided by the first tonnage, which has no stage before it in the first
    form."""
    return bool(tonnages) and _last_stage(text[: tonnages[0].start]) is None


# --- price floors ---------------------------------------------------------------------------------


#: A floor under a price: named, or a price per unit that a state guarantees.
_PRICE_FLOOR = re.compile(
    r"\b(?:price floor|floor price|minimum price|floor of|price guarantee)\b"
    r"|\b(?:guarantee\w*|underwrit\w*|assur\w*)\b[^.;]{0,60}?(?:per|a|/)\s*(?:kilogram|kg|tonne)\b",
    re.I,
)


#: "the company's facility", "its output": the company the sentence refers back to.
_THE_COMPANYS = re.compile(r"\bthe (?:company|group|miner|producer)(?:'s|’s)|\bits\b", re.I)


def price_floor_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    text = sentence.text
    if not _PRICE_FLOOR.search(text):
        return []
    price, per_kg = _unit_price(text, sentence.money)
    terms = sentence
    if price is None and sentence.following and sentence.mentions:
        # "X agreed a price floor with Y. From 1 July 2027, if the price falls below A$132 per
        # kilogram, …": the terms in the sentence after.
        following, following_dates = sentence.following[0]
        price, per_kg = _unit_price(following, find_money(following))
        terms = replace(
            sentence, text=following, dates=following_dates, following=sentence.following[1:]
        )
    if price is None:
        return []
    group = _element_group(text) or _element_group(terms.text)
    if group is None:
        return []
    companies = [
        m
        for m in sentence.mentions
        if (e := reading.directory.entities.get(m.entity_id)) is None or e.kind == "company"
    ]
    states = [m for m in sentence.mentions if m not in companies]
    if not companies and sentence.referent is not None and _THE_COMPANYS.search(text):
        # "… oxide produced at the company's facility": the company just named.
        companies = [sentence.referent]
    jurisdiction = None
    if states:
        jurisdiction = reading.directory.entities[states[0].entity_id].country
    jurisdiction = (
        jurisdiction
        or _european_union(text)
        or _european_union(terms.text)
        or _context_jurisdiction(sentence, reading)
    )
    draft = Draft(
        {
            "type": "price_floor_set",
            "jurisdiction": jurisdiction,
            "beneficiary_id": companies[0].entity_id if companies else None,
            "element_group": group,
            "price_per_kg": {
                "amount": str(plain(price.amount / per_kg)),
                "currency": price.currency,
            },
        }
    )
    draft.parties = companies[:1]
    effective = _effective(terms, reading)
    if effective is None:
        return []
    draft.fields["effective_from"] = effective.isoformat()
    draft.money = price
    return [draft]


def _unit_price(text: str, money: Sequence[Money]) -> tuple[Money | None, Decimal]:
    """The first sum given per kilogram or per tonne, with the divisor to a kilogram price."""
    for sum_ in money:
        unit = text[sum_.end : sum_.end + 20].lower()
        if re.match(r"\s*(?:per|a|/|an)\s*(?:kilogram|kg)", unit):
            return sum_, Decimal(1)
        if re.match(r"\s*(?:per|a|/)\s*(?:tonne|ton|t)\b", unit):
            return sum_, Decimal(1000)
    return None, Decimal(1)


# --- output and capacity --------------------------------------------------------------------------


#: A yearly rate or a capacity; "a year earlier" and "a year ago" date a figure instead.
_CAPACITY = re.compile(
    r"\bcapacity\b|\ba year\b(?! (?:earlier|ago|before|later|on))|\bper year\b|\bper annum\b"
    r"|/(?:yr|year)\b|\btpa\b"
    r"|\bannually\b|\bannual\s+(?:(?:nameplate|design|production|processing|separation)\s+)?"
    r"(?:capacity|output|production|throughput|rate)\b",
    re.I,
)
#: A sentence whose subject is an earlier sentence's company or its plant.
_REFERS_BACK = re.compile(
    r"^(?:The|Its|This|That)\s+(?:(?:first|second|new|initial|current)\s+)?(?:company|group|firm"
    r"|miner|producer|plant|facility|refinery|factory|mine|site|operation|smelter|phase|line"
    r"|stage|unit)\b|^It\b"
)


#: A plant or line still being built: its capacity is a plan, not a reported figure.
_PLANNED = re.compile(
    r"\b(?:is|are|was|were)\s+(?:still\s+)?(?:building|constructing|developing)\b"
    r"|\bbeing (?:built|constructed|developed)\b|\bunder construction\b|\bdesigned for\b"
    r"|\bdue to (?:start|open|begin|be commissioned|come on\w*)\b"
    r"|\b(?:will|plans? to|intends? to|aims? to)\s+(?:build|construct|develop|add|make|produce"
    r"|process|separate|turn out)\b"
    r"|\b(?:wants?|aims?|plans?|intends?|hopes?|targets?|expects?) to\b"
    r"|\btargets? (?:a )?capacity\b",
    re.I,
)


#: Verbs and nouns that make a tonnage an output figure. Sales are not output: "sold 32,703
#: tonnes" says nothing of what was produced.
_PRODUCED = re.compile(r"\bproduc\w*|\boutput\b|\bmined\b|\bmade\b|\bdelivered\b|\bdug\b", re.I)
#: A sentence carrying on the output figures of the sentence before without an output word of
#: its own: "Thailand's figure is three times its 2023 level of 3,600 tonnes", "Australia went
#: the other way, slipping from 16,000 tonnes a year earlier".
_CARRIES_ON = re.compile(
    r"\b(?:figure|level|tally|total|volume)s?\b|\bcredit\w*\b"
    r"|\b(?:slipp|slid|fell|fall|dropp|declin|ris|rose|climb|jump|doubl|grew|grow)\w*\s+"
    r"(?:\w+\s+){0,3}?(?:from|to)\b",
    re.I,
)
#: A part of the figure just before, in the same sentence: "…, of which 5,655 tonnes was NdPr".
_PART_BEFORE = re.compile(r"\b(?:of which|including|of that|of this)\s+(?:some\s+)?$", re.I)
#: "Nigeria, Thailand and Australia each produced …": one figure for every name listed.
_EACH = re.compile(r"\beach\b", re.I)
_LISTED = re.compile(r"^(?:\s*,\s*|\s*,?\s+and\s+|\s*&\s*)$")
#: "For Nigeria, that is …": whose figure a clause gives.
_FOR_OWNER = re.compile(r"(?:^|[;:]\s*)(?:But |And )?For (?:the )?$")
#: "Thailand's figure", "Lynas' output": a possessive naming whose figure it is.
_POSSESSIVE = re.compile(r"^(?:'s|’s|'|’)\s")
#: First person in an interview or a release: the company speaking.
_FIRST_PERSON = re.compile(r"\b(?:we|us|our)\b", re.I)
#: A country word that names an agency, not a producer: "the US Geological Survey".
_AGENCY = re.compile(
    r"^\s+(?:[A-Z][a-z]+\s+){0,3}?(?:Survey|Department|Agency|Office|Bureau|Administration"
    r"|Ministry|Commission|Treasury|Congress|Senate|Institute|Bank|Exchange)\b"
)
#: Output of the whole world or a region, which no producer owns.
_WORLD = re.compile(r"\b(?:world|global|worldwide)\b[^.;,]{0,40}$", re.I)
#: A figure's own year just after it: "13,000 tonnes in 2024", "7,200 tonnes … for 2023".
_OWN_YEAR_AFTER = re.compile(
    r"^[^;]{0,50}?\b(?:in|for|during|(?:at|by|as at) the end of)\s+((?:19|20)\d\d)\b"
)
#: … or just before it: "its 2023 level of 3,600 tonnes", "2024 output of 12,000 tonnes".
_OWN_YEAR_BEFORE = re.compile(
    r"\b((?:19|20)\d\d)\s+(?:level|output|production|figure|total|capacity|volume)s?\s+"
    r"(?:of|at|was|were)\s+(?:about |around |roughly |some )?$",
    re.I,
)
#: "16,000 tonnes a year earlier": the year before the one the figures are for.
_YEAR_EARLIER = re.compile(
    r"^\s*(?:of [\w -]{0,40}?)?,?\s*(?:a year (?:earlier|before|ago)|the (?:year|previous year)"
    r" before|the prior year|the previous year)\b",
    re.I,
)
#: A financial year: "in the year to 30 June 2024", "FY24", "FY2024", "financial year 2024".
_FISCAL_YEAR = re.compile(
    r"\b(?:(?:financial|fiscal) )?year (?:to|ended|ending) (?:\d{1,2} )?[A-Z][a-z]+ "
    r"(?:\d{1,2},? )?((?:19|20)\d\d)\b|\bFY ?((?:20)?\d\d)\b|\b(?:financial|fiscal) year "
    r"((?:19|20)\d\d)\b"
)


@dataclass(frozen=True)
class _Producer:
    """Whose output a figure is: a country's, or a company's (`referred` when the text only
    refers to it: "the plant", "we")."""

    country: str | None = None
    company: Mention | None = None
    referred: bool = False


def output_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    """Output and capacity figures, read figure by figure: each tonnage gets its producer (the
    subject, every name of a list that "each" produced, "For X", "X's figure"), its own year
    where the text gives one, and the stage of its words or of the article's output topic."""
    text = sentence.text
    if not sentence.tonnes or _QUOTA_WORDS.search(text):
        return []
    capacity = _CAPACITY.search(text)
    produced = _PRODUCED.search(text)
    carried_on = (
        not capacity
        and not produced
        and reading.output_topic is not None
        and _CARRIES_ON.search(text) is not None
    )
    if not capacity and not produced and not carried_on:
        return []
    anchor = produced.start() if produced else None
    # "tonnes of rare-earth oxide" is the unit a figure is counted in; it names a stage only
    # when nothing else does.
    unit_blanked = replace(sentence, text=_without_oxide_unit(text))
    drafts: list[Draft] = []
    previous: tuple[_Producer, int, str] | None = None
    for index, tonnes in enumerate(sentence.tonnes):
        clause_start = _clause_start(text, tonnes.start)
        clause_end = _clause_end(text, tonnes.end)
        window = _figure_window(sentence, tonnes, clause_start)
        if _PART_BEFORE.search(text[clause_start : tonnes.start]) and previous is not None:
            producers, period, stage = [previous[0]], previous[1], previous[2]
            group = _element_group(text[tonnes.end : tonnes.end + 40])
            if group is None:
                continue
        else:
            group = None
            if _WORLD.search(text[clause_start : tonnes.start]):
                continue
            producers = _producers(sentence, reading, tonnes, clause_start, anchor)
            if not producers:
                continue
            own_year = _own_period(sentence, tonnes, reading)
            first_of_clause = not any(
                clause_start <= t.start < tonnes.start for t in sentence.tonnes[:index]
            )
            if own_year is None and not first_of_clause:
                continue
            period_or_none = own_year or _year(_clause(sentence, clause_start, clause_end), reading)
            if period_or_none is None and capacity and reading.article_date is not None:
                period_or_none = reading.article_date.year
            if period_or_none is None:
                continue
            period = period_or_none
            stages = _stages(_figure_window(unit_blanked, tonnes, clause_start))
            if not stages and previous is not None:
                # "… 130 tonnes of ore in 2024, down from 310 tonnes in 2023": the same stage.
                stages = [previous[2]]
            stages = stages or _stages(window)
            if not stages and reading.output_topic is not None:
                stages = [reading.output_topic]
            if not stages:
                continue
            stage = stages[-1] if "magnets" in stages else stages[0]
        stated_in_present = (
            capacity and not find_years(text) and not _own_period(sentence, tonnes, reading)
        )
        # A capacity word far from the figure ("the survey's annual summary") says nothing of it.
        near = text[max(clause_start, tonnes.start - 80) : min(clause_end, tonnes.end + 60)]
        for producer in producers:
            draft = _output_draft(
                producer, tonnes, period, stage, group or _element_group(window) or "total_reo"
            )
            if capacity and _CAPACITY.search(near):
                draft.fields["measure"] = "capacity"
            if stated_in_present:
                draft.notes.append(
                    "the capacity is stated in the present: the article's year taken as period"
                )
            if re.search(r"\bndfeb\b|\bmagnets?\b|neodymium[- ]iron[- ]boron", window, re.I) and (
                stage == "magnets"
            ):
                draft.fields["element_group"] = "ndfeb"
            if carried_on:
                draft.notes.append("carries on the article's output figures")
            if tonnes.approximate and not _estimated(text, tonnes):
                draft.cap(0.65, f"the tonnage is approximate ({tonnes.value} t)")
            if capacity and (planned := _PLANNED.search(text[clause_start:clause_end])):
                draft.cap(0.4, f"a planned capacity: the sentence says {planned.group()!r}")
            drafts.append(draft)
        previous = (producers[-1], period, stage)
    return drafts


#: A row of a figure table: a name, then dotted leaders or a bar, then labelled numbers
#: ("India ........ production 2,900 ..... reserves 6,900,000") or one number per column.
_TABLE_ROW = re.compile(r"^\|?\s*(?P<name>[A-Z][\w .'&()-]{1,50}?)\s*(?:\.{2,}|\|)")
_LABELLED_NUMBER = re.compile(
    r"(?:(?P<label>[A-Za-z]+)\s+)?(?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\d%])"
)
_TABLE_MEASURES = {
    "production": "production",
    "output": "production",
    "mined": "production",
    "produced": "production",
    "capacity": "capacity",
}
#: The unit a table's heading gives its figures in.
_TABLE_UNIT = re.compile(
    r"\b(?P<scale>thousand |'000 )?(?:metric )?(?:tonnes|tons|t)\b|\b(?P<kilo>kt)\b", re.I
)


def figure_table_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    """A row of a table of output figures: its producer from the row's name, its unit, year,
    measure and stage from the heading lines just above it (or, for a table with a column per
    year, from the header row)."""
    row = _TABLE_ROW.match(sentence.text)
    if row is None or sentence.tonnes or sentence.percentages:
        return []
    producer = _row_producer(sentence, reading, row)
    if producer is None:
        return []
    heading = _table_heading(sentence)
    unit = _TABLE_UNIT.search(heading)
    if unit is None:
        return []
    scale = Decimal(1000) if unit["scale"] or unit["kilo"] else Decimal(1)
    header = next(
        (
            e.text
            for e in reversed(sentence.earlier)
            if e.text.startswith("|") and _years_in(e.text)
        ),
        None,
    )
    cells = sentence.text[row.end() :]
    figures: list[tuple[str, int, Decimal]] = []
    if header is not None and sentence.text.startswith("|"):
        measure = _heading_measure(heading)
        columns = _cells(header)[1:]
        row_cells = _cells(cells)
        for column, cell in zip(columns, row_cells, strict=False):
            years = _years_in(column)
            number = _LABELLED_NUMBER.fullmatch(cell)
            if measure and len(years) == 1 and number is not None:
                figures.append((measure, years[0], _table_number(number["number"])))
    else:
        years = _years_in(heading)
        if len(set(years)) != 1:
            return []
        for labelled in _LABELLED_NUMBER.finditer(cells):
            label = (labelled["label"] or "").lower()
            measure = _TABLE_MEASURES.get(label) or (None if label else _heading_measure(heading))
            if measure is not None:
                figures.append((measure, years[0], _table_number(labelled["number"])))
    stages = _stages(_without_oxide_unit(heading)) or (
        [reading.output_topic] if reading.output_topic else []
    )
    if not stages:
        return []
    drafts = []
    for measure, year, value in figures:
        tonnes = Quantity(plain(value * scale), row.end(), len(sentence.text), approximate=False)
        draft = _output_draft(producer, tonnes, year, stages[0], "total_reo")
        draft.fields["measure"] = measure
        draft.fields["element_group"] = _element_group(heading) or "total_reo"
        draft.notes.append("a row of a table: unit, year and stage from its heading")
        drafts.append(draft)
    return drafts


def _table_heading(row: Sentence) -> str:
    """The two lines above the table a row belongs to: its title and its unit line."""
    above = list(row.earlier)
    while above and (_TABLE_ROW.match(above[-1].text) or above[-1].text.startswith("|")):
        above.pop()
    return " ".join(e.text for e in above[-2:])


def _row_producer(sentence: Sentence, reading: Reading, row: re.Match[str]) -> _Producer | None:
    name_start, name_end = row.span("name")
    countries = [
        code for s, e, code in _jurisdiction_mentions(sentence.text) if name_start <= s < name_end
    ]
    if countries:
        return _Producer(country=countries[0])
    companies = [
        m
        for m in sentence.mentions
        if name_start <= m.start < name_end and _is_company(m, reading.directory)
    ]
    return _Producer(company=companies[0]) if companies else None


def _heading_measure(heading: str) -> str | None:
    found = re.search(r"\b(production|output|mined|produced|capacity)\b", heading, re.I)
    return _TABLE_MEASURES[found.group(1).lower()] if found else None


def _years_in(text: str) -> list[int]:
    return [int(y) for y in re.findall(r"\b((?:19|20)\d\d)\b", text)]


def _table_number(number: str) -> Decimal:
    return Decimal(number.replace(",", ""))


def _figure_window(sentence: Sentence, tonnes: Quantity, clause_start: int) -> str:
    """The words around a figure that describe it, up to the figures on either side."""
    earlier = [t.end for t in sentence.tonnes if t.end <= tonnes.start]
    later = [t.start for t in sentence.tonnes if t.start >= tonnes.end]
    start = max(clause_start, tonnes.start - 80, *earlier)
    end = min(tonnes.end + 60, *later) if later else tonnes.end + 60
    return sentence.text[start:end]


def _output_draft(
    producer: _Producer, tonnes: Quantity, period: int, stage: str, group: str
) -> Draft:
    supplier = (
        {"country": producer.country}
        if producer.country
        else {"entity_id": producer.company.entity_id if producer.company else None}
    )
    draft = Draft(
        {
            "type": "output_reported",
            **supplier,
            "commodity": "rare_earths",
            "element_group": group,
            "stage": stage,
            "period": period,
            "measure": "production",
            "tonnes": str(tonnes.value),
        }
    )
    if producer.company is not None and not producer.country:
        draft.parties = [producer.company]
        if producer.referred:
            draft.cap(
                REFERRED_CAP,
                f"the sentence does not name the company: {producer.company.surface!r}, named"
                " before, assumed",
            )
    return draft


def _clause_start(text: str, position: int) -> int:
    """Where the clause holding `position` begins: after the last semicolon before it."""
    return text.rfind(";", 0, position) + 1


def _clause_end(text: str, position: int) -> int:
    end = text.find(";", position)
    return len(text) if end < 0 else end


def _clause(sentence: Sentence, start: int, end: int) -> Sentence:
    """The part of a sentence between two semicolons, read as a sentence of its own."""
    return replace(
        sentence,
        text=sentence.text[start:end],
        dates=[
            replace(d, start=d.start - start, end=d.end - start)
            for d in sentence.dates
            if start <= d.start and d.end <= end
        ],
    )


def _estimated(text: str, tonnes: Quantity) -> bool:
    """A figure the source itself calls an estimate ("an estimated 13,000 tonnes") is its
    figure, not the writer rounding one."""
    return re.search(r"\bestimated\s*$", text[max(0, tonnes.start - 20) : tonnes.start]) is not None


def _producers(
    sentence: Sentence, reading: Reading, tonnes: Quantity, clause_start: int, anchor: int | None
) -> list[_Producer]:
    """Whose figure `tonnes` is, looking back from it within its clause."""
    text = sentence.text
    before = text[clause_start : tonnes.start]
    named = _producer_names(sentence, reading, clause_start, tonnes.start)
    each = _EACH.search(before)
    if each and named:
        listed = [n for n in named if n[0] < clause_start + each.start()]
        if len(listed) > 1 and all(
            _LISTED.match(text[a[1] : b[0]]) for a, b in itertools.pairwise(listed)
        ):
            return [n[2] for n in listed]
    for start, end, producer in reversed(named):
        if _FOR_OWNER.search(text[clause_start:start]) or _POSSESSIVE.match(text[end:]):
            return [producer]
    companies = [m for m in sentence.mentions if _is_company(m, reading.directory)]
    subject_end = anchor if anchor is not None else tonnes.start
    country = _producing_country(sentence, subject_end, companies)
    if country is not None:
        return [_Producer(country=country)]
    if companies:
        return [_Producer(company=companies[0])]
    if _THE_COUNTRY.search(text[: tonnes.start]) and not companies:
        # "Take Madagascar. … the island mined 2,000 tonnes": the country named just before.
        for earlier in reversed(sentence.earlier[-3:]):
            countries = _jurisdiction_mentions(earlier.text)
            if countries:
                return [_Producer(country=countries[-1][2])]
    referent = sentence.antecedent or sentence.issuer
    if referent is not None and (
        _REFERS_BACK.match(text)
        or re.search(r"\b[Tt]he (?:Group|Company)(?:'s|’s)?\b", text[: tonnes.start])
        or _FIRST_PERSON.search(text[: tonnes.start])
        or (_OUTPUT_AS_SUBJECT.match(text) and not _jurisdiction_mentions(text))
        or (re.search(r"\bit\b", text[: tonnes.start]) and not _jurisdiction_mentions(text))
    ):
        return [_Producer(company=referent, referred=True)]
    return []


#: A country referred to, not named: "the island mined …", "the country produced …".
_THE_COUNTRY = re.compile(r"\bthe (?:island|country|nation)\b", re.I)
#: A company's own report, with its output as the subject: "Total rare-earth oxide production
#: for FY2025 was 10,655 tonnes".
_OUTPUT_AS_SUBJECT = re.compile(
    r"^(?:Total\s+|Annual\s+|Group\s+)?(?:[\w-]+\s+){0,3}?(?:production|output)\b", re.I
)


def _producer_names(
    sentence: Sentence, reading: Reading, start: int, end: int
) -> list[tuple[int, int, _Producer]]:
    """The countries and companies named between `start` and `end`, left to right."""
    text = sentence.text
    names = [
        (s, e, _Producer(country=code))
        for s, e, code in _jurisdiction_mentions(text)
        if start <= s and e <= end and _names_producer(text, s, e)
    ]
    names += [
        (m.start, m.end, _Producer(company=m))
        for m in sentence.mentions
        if start <= m.start and m.end <= end and _is_company(m, reading.directory)
    ]
    return sorted(names, key=lambda n: n[0])


def _names_producer(text: str, start: int, end: int) -> bool:
    """A country word that can name a producer: not an agency ("the US Geological Survey") and
    not the pronoun "us"."""
    return not _AGENCY.match(text[end:]) and text[start:end] != "us"


def _own_period(sentence: Sentence, tonnes: Quantity, reading: Reading) -> int | None:
    """The year a figure is for where the text ties one to it, not to the whole sentence."""
    text = sentence.text
    later = [t.start for t in sentence.tonnes if t.start > tonnes.start]
    after = text[tonnes.end : later[0] if later else len(text)]
    if own := _OWN_YEAR_AFTER.match(after):
        return int(own.group(1))
    if own := _OWN_YEAR_BEFORE.search(text[max(0, tonnes.start - 40) : tonnes.start]):
        return int(own.group(1))
    if _YEAR_EARLIER.match(after):
        stated = find_years(text) + ([sentence.context_year] if sentence.context_year else [])
        reference = max(stated, default=None)
        return reference - 1 if reference else None
    if fiscal := _FISCAL_YEAR.search(text):
        year = next(g for g in fiscal.groups() if g)
        return int(year) if len(year) == 4 else 2000 + int(year)
    return None


def _producing_country(
    sentence: Sentence, subject_end: int, companies: Sequence[Mention]
) -> str | None:
    """The country whose output the sentence gives ("the United States produced …", "Myanmar's
    mine output fell to …"): a country named before the verb as its subject, with no company
    before it. A plant or mine named later ("… nearly all of it from Mountain Pass") is where
    the output came from, not whose figure it is."""
    if any(m.start < subject_end for m in companies):
        return None
    text = sentence.text
    subjects = [
        code
        for start, end, code in _jurisdiction_mentions(text)
        if start < subject_end
        and not _COUNTRY_AS_OBJECT.search(text[max(0, start - 20) : start])
        and _names_producer(text, start, end)
    ]
    return subjects[-1] if subjects else None


# --- tariffs --------------------------------------------------------------------------------------

_TARIFF = r"(?:tariffs?|dut(?:y|ies)|levy|levies|surtax(?:es)?|surcharges?)"
#: "25% tariff", "a 25 per cent additional duty".
_RATE_BEFORE_TARIFF = re.compile(
    r"^\s*(?:(?:ad valorem|additional|extra|import|punitive|retaliatory|anti-dumping"
    rf"|countervailing|customs|basic customs)\s+)*{_TARIFF}\b",
    re.I,
)
#: "a tariff of 25%", "duties at 25%".
_TARIFF_OF_RATE = re.compile(rf"\b{_TARIFF}\s+(?:rate\s+)?(?:of|at)\s+$", re.I)
#: "the tariff … will rise from zero to 25%", "raised the duty on magnets to 50%": a rate the
#: tariff is raised or set to.
_RAISED_TO = re.compile(
    r"\b(?:rise|rises|rising|raise[sd]?|raising|increas\w*|hik\w*|lift\w*|go(?:es)? up"
    r"|doubl\w*|set|sets)\b[^.%;]{0,80}?\bto\s+$",
    re.I,
)
#: Something else a percentage may measure once a tariff is named: trade flows, prices, revenue.
_NOT_TARIFF_SUBJECT = re.compile(
    r"\b(?:imports?|exports?|prices?|revenues?|sales|collections|receipts|shipments|volumes?"
    r"|demand|supply|costs?)\b",
    re.I,
)
#: A tariff cut or removed is not a tariff imposed; the contract has no event for it.
_TARIFF_RELIEF = re.compile(
    r"\b(?:cut\w*|lower\w*|reduc\w*|remov\w*|scrap\w*|suspend\w*|exempt\w*|waiv\w*|paus\w*"
    r"|eliminat\w*|roll\w* back|drop\w*|exclu\w*|rescind\w*|repeal\w*)\b",
    re.I,
)
#: What a tariff on rare earths is charged on; a tariff on steel or cars is no concern here.
_RARE_EARTH_GOODS = re.compile(
    r"\bmagnets?\b|\bndfeb\b|neodymium[- ]iron[- ]boron|\brare[- ]earths?\b|"
    + "|".join(rf"\b{name}\b" for name in ELEMENTS),
    re.I,
)
#: "imported from China", "tariff on China": the country whose goods are charged.
_FROM_ORIGIN = re.compile(
    r"\b(?:from|on|against|originating in|originating from|made in|produced in)\s+(?:the\s+)?$",
    re.I,
)
_DEMONYM_GOODS = re.compile(
    r"^(?:-made|-origin|-sourced)?(?:\s+[\w-]+){0,2}?\s+(?:magnets?|rare[- ]earths?|oxides?"
    r"|metals?|imports?|goods|products|origin)\b",
    re.I,
)
_DEMONYMS = frozenset(
    "chinese american australian canadian japanese malaysian vietnamese indian".split()
)


def tariff_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    text = sentence.text
    tariff = re.search(rf"\b{_TARIFF}\b", text, re.I)
    if tariff is None or not _RARE_EARTH_GOODS.search(text) or _TARIFF_RELIEF.search(text):
        return []
    rate = _tariff_rate(sentence)
    if rate is None:
        return []
    origin, acting = _tariff_parties(text)
    # "The White House concluded its review. A proclamation imposes …": the one acting may be
    # named only in the sentence before.
    if acting == origin:
        acting = None  # "… imported from China, after … found that Chinese producers had …"
    jurisdiction = (
        acting
        or _european_union(text)
        or _tariff_parties(sentence.previous_text)[1]
        or _european_union(sentence.previous_text)
        or _jurisdiction(reading.article.title or "")
    )
    if jurisdiction == origin:
        # "… magnets originating in China" in a notice on imports "into the United Kingdom":
        # the country the text named before, other than the goods' origin.
        jurisdiction = next(
            (
                code
                for earlier in reversed(sentence.earlier)
                for _start, _end, code in _jurisdiction_mentions(earlier.text)
                if code != origin
            ),
            None,
        )
    if jurisdiction is None or jurisdiction == origin:
        return []
    stages = _stages(text)
    draft = Draft(
        {
            "type": "tariff_imposed",
            "jurisdiction": jurisdiction,
            "on_origin": origin,
            "commodity": "rare_earths",
            "stages": stages,
            "rate_pct": str(rate.value),
        }
    )
    if not stages:
        draft.notes.append("the text names no stage: the tariff is read as covering every stage")
    if rate.approximate:
        draft.cap(0.65, f"the rate is approximate ({rate.value}%)")
    effective = (
        _tariff_effective(sentence, rate)
        or _same_date_as_before(sentence)
        or _effective(sentence, reading)
    )
    if effective is None:
        return []
    draft.fields["effective_from"] = effective.isoformat()
    return [draft]


def _same_date_as_before(sentence: Sentence) -> date | None:
    """ "… from the same date": the date the sentence before gave a measure effect from."""
    if not re.search(r"\b(?:from|on|at) the same (?:date|day|time)\b", sentence.text, re.I):
        return None
    before = sentence.previous_text
    for mention in sentence.previous_dates:
        if _EFFECT_MARKER.search(before[max(0, mention.start - 30) : mention.start]):
            return mention.value
    return None


#: The European Union acting as one: its Commission, its Council, "the EU", "Brussels".
_EUROPEAN_UNION = re.compile(
    r"\b(?:the )?European (?:Union|Commission|Council)\b|\b(?:the )?EU\b(?!-)|\bBrussels\b"
)


def _european_union(text: str) -> str | None:
    """ "EU" where the text has the Union take the measure: a tariff or a price floor."""
    found = _EUROPEAN_UNION.search(text)
    if found is None or _COUNTRY_AS_OBJECT.search(text[max(0, found.start() - 20) : found.start()]):
        return None
    return "EU"


def _tariff_rate(sentence: Sentence) -> Quantity | None:
    """The percentage the text gives as the tariff's rate, if any."""
    text = sentence.text
    for pct in sentence.percentages:
        before = text[max(0, pct.start - 120) : pct.start]
        if _RATE_BEFORE_TARIFF.match(text[pct.end :]) or _TARIFF_OF_RATE.search(before):
            return pct
        tariffs = list(re.finditer(rf"\b{_TARIFF}\b", before, re.I))
        if not tariffs or not _RAISED_TO.search(before):
            continue
        # Between the tariff and "to 25%" only the goods charged may stand ("on Chinese
        # magnets"), not another thing that rises ("tariff revenue increased to 18%").
        between = before[tariffs[-1].end() :]
        subject = re.split(r"\bon\b", between, maxsplit=1)[0]
        if not _NOT_TARIFF_SUBJECT.search(subject):
            return pct
    return None


def _tariff_parties(text: str) -> tuple[str | None, str | None]:
    """(origin, acting): the country whose goods are charged and the one charging."""
    origin = None
    acting = None
    for start, end, code in _jurisdiction_mentions(text):
        word = text[start:end].lower()
        is_origin = bool(_FROM_ORIGIN.search(text[max(0, start - 20) : start])) or (
            word in _DEMONYMS and bool(_DEMONYM_GOODS.match(text[end:]))
        )
        if is_origin:
            origin = origin or code
        elif not _COUNTRY_AS_OBJECT.search(text[max(0, start - 20) : start]):
            acting = acting or code
    return origin, acting


def _tariff_effective(sentence: Sentence, rate: Quantity) -> date | None:
    """A date the rate applies from, written after the rate ("… to 25% on January 1, 2026"); it
    may lie after the article's date, as a tariff is often announced ahead."""
    for mention in sentence.dates:
        if mention.start < rate.end:
            continue
        lead = sentence.text[max(0, mention.start - 30) : mention.start]
        if sentence.text.startswith(("on ", "On "), mention.start) or re.search(
            r"\b(?:on|from|effective|starting|as of|beginning|with effect from|in force from"
            r"|(?:takes|take|will take|took) effect(?: on)?)\s+$",
            lead,
            re.I,
        ):
            return mention.value
    return None


RULES: tuple[Rule, ...] = (
    stake_rule,
    holding_moved_rule,
    holding_before_after_rule,
    holding_ended_rule,
    holding_table_rule,
    deal_table_rule,
    measure_table_rule,
    merger_rule,
    venture_rule,
    funding_rule,
    export_control_rule,
    quota_rule,
    price_floor_rule,
    output_rule,
    figure_table_rule,
    tariff_rule,
)
