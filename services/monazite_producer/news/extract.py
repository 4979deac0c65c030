"""Rule-based extraction of candidate events from one article, sentence by sentence. Pure.

Each sentence is read for the entities it names, the money, percentages, tonnes and dates it
gives, and the words that make it a stake change, a merger, a joint venture, funding, an export
control, a quota, a price floor or an output figure. A denied sentence yields nothing; a rumoured
or planned one yields a candidate of low confidence (it goes to review). Numbers come only from the
sentence: a stake bought for a sum but with no percentage has no `pct_after`.

Confidence starts at 0.9 for a sentence that names every party and figure the event needs, and is
lowered for hedges, assumptions and organisations that are not registered yet (a candidate naming
a proposed entity always waits for review, with the proposed registration).

The rules, one module per kind of event, are in `rules/`; what they read in a sentence, and the
readings several of them share, is in `reading`. This module splits the article into sentences,
runs the rules over each, completes facts told over two sentences, and turns what the rules found
into validated candidates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import pydantic

from monazite_core.events import (
    EntityRegistered,
    InputEvent,
    JointVentureFormed,
    MergerCompleted,
    Source,
    parse_input_event,
)
from monazite_core.news_facts import ID_FIELDS, news_event_id
from monazite_producer.news.article import Article
from monazite_producer.news.candidates import Candidate, Evidence, Sighting, merge_reports
from monazite_producer.news.country_names import country_mentions
from monazite_producer.news.entities import EntityDirectory, Mention
from monazite_producer.news.fx import FxRates
from monazite_producer.news.quantities import (
    find_dates,
    find_money,
    find_percentages,
    find_tonnes,
    find_years,
    plain,
)
from monazite_producer.news.reading import (
    DATELINE,
    HISTORY_DAYS,
    REVIEW_CAP,
    Draft,
    Reading,
    Sentence,
    consideration,
    consideration_field,
    distinct,
    element_group,
    first_stage,
    hedge,
    is_company,
    jurisdiction_named,
    occurred_on,
)
from monazite_producer.news.rules import RULES
from monazite_producer.news.rules.stakes import EARLIER_HOLDING, NOT_YET_HELD, SELL, WHOLE
from monazite_producer.news.rules.ventures import EQUAL_SPLIT, owner_of, venture_name

#: Confidence below which a candidate is not published but queued for review (the default of
#: `monazite extract --publish --threshold`).
DEFAULT_THRESHOLD = 0.7

_ABBREVIATIONS = re.compile(
    r"\b(?:Co|Ltd|Inc|Corp|No|Nos|Mr|Ms|Dr|St|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
    r"|U\.S|e\.g|i\.e|vs|approx)\.$"
)

#: Words that open a sentence and never go on a name: after "Neo Performance Materials Inc."
#: they start a new sentence.
_OPENS_SENTENCE = re.compile(
    r"(?:The|This|These|That|Those|It|Its|They|Their|He|She|We|In|On|At|After|Before|But"
    r"|However|Under|Following|As|If|When)\s"
)

_DENIAL = re.compile(
    r"\b(?:denied|denies|deny|dismissed|rejected (?:the |a )?(?:report|claim)s?|not in talks"
    r"|no plans? to|never|false|untrue|groundless|baseless|unfounded|without (?:any )?basis"
    r"|inaccurate"
    # A deal given up: "has ended talks to buy", "walked away from", "called off the sale".
    r"|ended (?:its |the )?talks|walk(?:ed|s)? away|called off|abandon\w*|terminated|scrapped"
    r" (?:the|its|a) (?:deal|bid|offer|sale|purchase|plan)|failed to agree)\b",
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
        not _RELATIVE_CLAUSE.search(text[: negated.start()])
        # "SASAC did not put in money, so its holding is diluted to 28.44%": what follows "so"
        # is told, not denied.
        and not _CONSEQUENCE.search(text, negated.end())
        for negated in _NEGATED.finditer(text)
    )


#: A clause told as the consequence of the one before: ", so …", ", which means …".
_CONSEQUENCE = re.compile(r",\s+(?:so|and so|hence|therefore|which means|meaning)\s+(?!far\b)")


def split_sentences(text: str) -> Iterator[tuple[int, str]]:
    """(offset, sentence) pairs: paragraphs split at ., ! or ? followed by a capital letter."""
    for paragraph in re.finditer(r"[^\n]+", text):
        body = paragraph.group()
        start = 0
        # A sentence may open with a name in camel case: "eVAC Magnetics holds 45%".
        for boundary in re.finditer(r"[.!?][\"”’)]?\s+(?=[A-Z\"“(]|[a-z][A-Z])", body):
            head = body[start : boundary.start() + 1]
            if (
                _ABBREVIATIONS.search(head) or re.search(r"\b[A-Z]\.$", head)
            ) and not _OPENS_SENTENCE.match(body, boundary.end()):
                continue
            if re.fullmatch(r"\s*\(?\d{1,3}\.", head):
                continue  # "1. Exports of …": an item's number opens its sentence
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
        hedged = hedge(sentence.text)
        for rule in RULES:
            for draft in rule(sentence, reading):
                if hedged:
                    draft.cap(0.4, f"hedged: the sentence says {hedged.group()!r}")
                if sentence.text.rstrip().endswith("?"):
                    draft.cap(0.4, "asked, not told: the sentence is a question")
                candidate = _finish(draft, sentence, reading, source, fx)
                if candidate is not None:
                    candidates.extend(_proposals(draft, candidate, sentence, source, sentences))
                    candidates.append(candidate)
    candidates = _without_unnamed_ventures(_complete_ventures(candidates, sentences))
    candidates = _complete_stakes(candidates, sentences)
    candidates = _complete_mergers(candidates, sentences)
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
            return first_stage(topic.group())
    return None


def _years_for_figures(sentence: Sentence, reading: Reading) -> list[int]:
    """The years a sentence gives figures for, up to the article's own year."""
    years = find_years(sentence.text)
    if reading.article_date is not None:
        if re.search(r"\blast year\b", sentence.lower):
            years.append(reading.article_date.year - 1)
        years = [y for y in years if y <= reading.article_date.year]
    return years


#: The mark opening an item of a list: "- ", "• ", "* ", "(a) ", "a) ".
_LIST_MARK = re.compile(r"(?:[-•*–]|\(?[a-z]\))\s+")


def _list_leads(article: Article) -> dict[int, str]:
    """For each line that is an item of a list, by the offset of its mark, the words that
    introduce it: the line ending in a colon above the list, and the item it is nested under."""
    leads: dict[int, str] = {}
    intro = ""
    parents: list[tuple[int, str]] = []  # (indent, text) of the open items
    for line in re.finditer(r"[^\n]*", article.text):
        stripped = line.group().strip()
        if not stripped:
            continue
        indent = len(line.group()) - len(line.group().lstrip())
        mark = _LIST_MARK.match(line.group(), indent)
        if mark is None:
            # The last sentence of a paragraph ending in a colon introduces the list.
            # So does a heading of a few words ("Full Year 2027 Highlights").
            if stripped.endswith(":"):
                intro = re.split(r"(?<=[.!?])\s+", stripped)[-1]
            elif len(stripped.split()) <= 8 and not re.search(r"[.!?;,]$", stripped):
                intro = stripped
            else:
                intro = ""
            parents = []
            continue
        item = line.group()[mark.end() :].strip()
        while parents and parents[-1][0] >= indent:
            parents.pop()
        if intro or parents:
            leads[line.start() + indent] = " ".join([intro, *(p for _, p in parents)]).strip()
        parents.append((indent, item))
    return leads


#: A line of a record: "Acquirer: Neo Performance Materials Inc.", "- Who: Neo (80%) …".
_RECORD_LINE = re.compile(
    r"(?:[-•*]\s*|\d{1,2}\.\s+)?(?P<key>[A-Z][\w'’/()&.,-]*(?:\s+[\w'’/()&.,-]+){0,5}?)\s*:\s+(?P<value>\S.*)"
)

#: A numbered heading whose value is the next line: "3. Consideration".
_NUMBERED_KEY = re.compile(r"\d{1,2}\.\s+(?P<key>[A-Z][\w ]{2,40})")

#: A heading in capitals: "SIGNED, NOT COMPLETED", "COMPLETED".
_CAPS_HEADING = r"[^a-z]*[A-Z]{3,}[^a-z]*"

#: A line that opens the next entry of a list of records: "[4]", "#4", "(4)", or a heading in
#: capitals.
_ENTRY_MARK = re.compile(rf"\[\d{{1,3}}\]|#\d{{1,3}}|\(\d{{1,3}}\)|{_CAPS_HEADING}")

#: How many lines that are not "Key: value" may stand between two lines of one record.
_RECORD_GAP = 2


def _records(article: Article) -> dict[int, tuple[tuple[str, str], ...]]:
    """Records of "Key: value" lines, by the offset of each record's first line. A record runs
    on over a line or two of another kind (a form's numbered headings) and ends where a key
    comes again (the next entry of a tracker)."""
    records: dict[int, tuple[tuple[str, str], ...]] = {}
    current: list[tuple[str, str]] = []
    first = 0
    gap = 0
    pending_key: str | None = None

    def close() -> None:
        if len(current) >= 2:
            records[first] = tuple(current)

    for line in re.finditer(r"[^\n]+", article.text):
        text = line.group().strip()
        start = line.start() + line.group().index(text[:1]) if text else line.start()
        if not text or _is_header(text):
            continue  # the article's own header lines are not a record
        found = _RECORD_LINE.fullmatch(text)
        if found is None and pending_key is not None:
            found_key, value = pending_key, text
        elif found is not None:
            found_key, value = found["key"], found["value"]
        else:
            found_key = None
        pending_key = None
        if found_key is None:
            numbered = _NUMBERED_KEY.fullmatch(text)
            if numbered is not None:
                pending_key = numbered["key"]
            gap += 1
            if gap > _RECORD_GAP or _ENTRY_MARK.fullmatch(text):
                close()
                current = []
            continue
        key = found_key.strip()
        if current and (gap > _RECORD_GAP or key.lower() in {k.lower() for k, _ in current}):
            close()
            current = []
        if not current:
            first = start
        current.append((key, value.strip()))
        gap = 0
    close()
    return records


def _sections(article: Article) -> list[tuple[int, str]]:
    """Headings in capitals ("SIGNED, NOT COMPLETED"), with their offsets."""
    return [
        (line.start(), line.group().strip())
        for line in re.finditer(r"[^\n]+", article.text)
        if re.fullmatch(_CAPS_HEADING, line.group().strip()) and len(line.group().split()) <= 8
    ]


#: Articles whose bare "$" is not the US dollar: from Australia's or Canada's government or
#: press ("Commonwealth Budget Papers", "ASX announcement", "Ottawa").
_HOME_DOLLARS = (
    (re.compile(r"\b(?:Commonwealth|Australia|Australian|ASX|Canberra)\b"), "AUD"),
    (re.compile(r"\b(?:Canada|Canadian|Ottawa|TSX)\b"), "CAD"),
)


def _home_dollar(article: Article) -> str:
    """What a bare "$" is in this article: the dollar of the country its title or publisher
    names, else the US dollar."""
    heading = f"{article.title or ''} {article.source_publisher}"
    for pattern, code in _HOME_DOLLARS:
        if pattern.search(heading):
            return code
    return "USD"


def _read_sentences(article: Article, directory: EntityDirectory) -> list[Sentence]:
    sentences = []
    dollar = _home_dollar(article)
    leads = _list_leads(article)
    records = _records(article)
    sections = _sections(article)
    for offset, text in split_sentences(article.text):
        # A header line, or the number of a numbered paragraph ("2."), says nothing itself.
        if _is_header(text) or re.fullmatch(
            r"(?:(?:Article|Section|Clause|Paragraph|Item)\s+)?\(?\d{1,2}[.)]", text
        ):
            continue
        dateline = DATELINE.match(text)
        mentions = [
            m for m in directory.mentions(text) if not dateline or m.start >= dateline.end()
        ]
        sentences.append(
            Sentence(
                text=text,
                start=offset,
                mentions=mentions,
                money=find_money(text, dollar=dollar),
                percentages=find_percentages(text),
                tonnes=find_tonnes(text),
                # The dateline's date is when the story was filed, not when anything happened.
                dates=[
                    d
                    for d in find_dates(text, article_date=article.published)
                    if not dateline or d.start >= dateline.end()
                ],
                lead=leads.get(offset, ""),
                record=records.get(offset, ()),
                section=next((h for at, h in reversed(sections) if at < offset), ""),
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
                rf"\b{re.escape(word)}\b(?!\s+[A-Z&])(?!['’]s\s+[A-Z]){_NOT_A_PLACE}",
                sentence.text,
            ):
                if not any(
                    m.start < found.end() and found.start() < m.end for m in sentence.mentions
                ):
                    added.append(Mention(entity_id, word, found.start(), found.end()))
        if added:
            sentence = replace(
                sentence, mentions=sorted([*sentence.mentions, *added], key=lambda m: m.start)
            )
        if (refers := _TERM_REFERS_TO.search(sentence.text)) is not None:
            # 'In this excerpt, "we" and "the Company" refer to USA Rare Earth, Inc.'
            named = [m for m in sentence.mentions if m.start >= refers.end()]
            if named:
                short.setdefault(refers["term"], named[0].entity_id)
        for mention in sentence.mentions:
            if (defined := _DEFINED_TERM.match(sentence.text, mention.end)) is not None:
                # 'X (the "Company")': the filing calls X "the Company" from here on; and
                # "Energy Transition Minerals (ETM)" is ETM.
                short.setdefault(defined["term"], mention.entity_id)
                if defined["second"]:
                    short.setdefault(defined["second"], mention.entity_id)
            elif not mention.proposed and (
                abbreviation := _ABBREVIATION.match(sentence.text, mention.end)
            ):
                short.setdefault(abbreviation["term"], mention.entity_id)
            words = mention.surface.split()
            first = words[0] if words else ""
            if (
                len(words) >= 2
                and not mention.proposed
                and len(first) >= 3
                and first[0].isupper()
                and first.lower() not in _NOT_SHORT_NAMES
                and next(country_mentions(first), None) is None
                and not jurisdiction_named(first)
            ):
                short.setdefault(first, mention.entity_id)
        read.append(sentence)
    return read


#: A term a filing defines for the name before it: '(the "Company")', '("CNRE")',
#: '(hereinafter "the Purchaser")'.
_DEFINED_TERM = re.compile(
    r"[,.]?\s*\((?:hereinafter\s+)?(?:referred to as\s+)?(?:the\s+)?[\"“']"
    r"(?:the\s+)?(?P<term>[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,3})[\"”']"
    # '("ETM" or "the Company")': a second term for the same name
    r"(?:\s+or\s+(?:the\s+)?[\"“'](?:the\s+)?(?P<second>[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,3})"
    r"[\"”'])?\)"
)

#: A term defined before the name it stands for: '"the Company" refers to X'.
_TERM_REFERS_TO = re.compile(
    r"[\"“]the (?P<term>Company|Group|Issuer)[\"”]\s+(?:refers?|means?)(?:\s+to)?\s+"
)

#: Stock exchanges a listed company's ticker is given with: "(ASX: ETM)", "(Nasdaq: USAR)".
_EXCHANGES = r"(?:ASX|TSXV?|NYSE|Nasdaq|NASDAQ|LSE|AIM|SSE|SZSE|HKEX|OTCQX)"

#: An abbreviation given for the name before it: "Energy Transition Minerals (ETM)".
_ABBREVIATION = re.compile(rf"\s*\((?:{_EXCHANGES}\s*:\s*)?(?P<term>[A-Z][A-Z0-9&]{{1,5}})\)")

#: A short name that is also its company's home town names the town where an adjective of place
#: follows: "the Baotou-based producer" is not Baotou Iron and Steel.
_NOT_A_PLACE = r"(?!-(?:based|headquartered|listed|registered|area)\b)"

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
        titled = distinct([m for m in directory.mentions(article.title) if not m.proposed])
        titled = [m for m in titled if is_company(m, directory)]
        if len(titled) == 1:
            return titled[0]
    for sentence in sentences:
        companies = distinct([m for m in sentence.mentions if is_company(m, directory)])
        if companies:
            first = companies[0]
            if (
                len(companies) > 1
                and not first.proposed
                and _ANNOUNCES.match(sentence.text, first.end)
            ):
                return first  # "USA Rare Earth, Inc. (Nasdaq: USAR) today announced …"
            return first if len(companies) == 1 and not first.proposed else None
    return None


#: The words after the name of a company putting out a release: "(Nasdaq: USAR) today
#: announced", "announced today".
_ANNOUNCES = re.compile(
    rf"\.?[^.;]{{0,30}}?\({_EXCHANGES}\b[^)]*\)"
    r"|\s*(?:,\s*)?(?:today\s+)?announced\b"
)


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
        companies = distinct([m for m in mentions if is_company(m, self._directory)])
        if companies:
            self.current = companies[0] if len(companies) == 1 else None
            opening = DATELINE.match(text)
            start = opening.end() if opening else 0
            # "Lynas and Iluka reported …" opens with two subjects: neither is the one.
            opens = companies[0].start - start <= 12
            shared = (
                len(companies) > 1
                and (
                    re.fullmatch(
                        r"\s*(?:,|,?\s*and|&|,?\s*or)\s*",
                        text[companies[0].end : companies[1].start],
                    )
                    is not None
                    # "Iluka Resources, Lynas's largest shareholder, …" describes the first name
                    and re.search(r"['’]s?$", companies[1].surface) is None
                    and re.match(r"['’]s?\s", text[companies[1].end :]) is None
                )
            )
            self.subject = companies[0] if opens and not shared else None
            self._age = 0
            return
        self._age += 1
        if self._age >= self.REACH:
            self.current = None
            self.subject = None


def _is_header(text: str) -> bool:
    return re.match(r"^(?:title|date|url|publisher|source)\s*:", text, re.I) is not None


#: Terms said to stand unchanged: "the other parts of the package are untouched: …".
_UNCHANGED = re.compile(
    r"\b(?:untouched|unchanged|unaffected|not affected|remains? in (?:force|place|effect)"
    r"|(?:does|do) not change|continues? to apply)\b",
    re.I,
)

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


#: A deal dated by a year alone: "in 2025", "back in 2024".
_IN_A_PAST_YEAR = re.compile(r"\bin ((?:19|20)\d\d)\b(?!\s*[-–/])")


def _finish(
    draft: Draft, sentence: Sentence, reading: Reading, source: Source, fx: FxRates | None
) -> Candidate | None:
    occurred = draft.occurred or occurred_on(sentence, reading)
    if occurred is None:
        return None
    if (
        draft.fields["type"] in _DEALS_AND_MEASURES
        and not draft.fields["type"].startswith("export_control")
        and (standing := _UNCHANGED.search(sentence.text))
    ):
        # "The other parts of the package are untouched: the US$150 million loan …"
        draft.cap(0.5, f"spoken of as standing ({standing.group()!r}), not as news")
    told_year = next(
        (
            found
            for found in _IN_A_PAST_YEAR.finditer(sentence.text)
            # not a year inside a clause describing a name: "Shenghe, which has owned Peak
            # since it bought it in 2025, no longer holds …"
            if not re.search(
                r"\b(?:which|who|since|when)\b",
                sentence.text[sentence.text.rfind(",", 0, found.start()) + 1 : found.start()],
            )
        ),
        None,
    )
    if (
        draft.fields["type"] in _DEALS_AND_MEASURES
        and draft.occurred is None
        and not sentence.dates
        and told_year is not None
        and reading.article_date is not None
        and (reading.article_date - date(int(told_year[1]), 12, 31)).days > HISTORY_DAYS
    ):
        # "Shenghe bought all of Peak … for about A$158 million in 2025": a deal of a year
        # long past, told as background.
        draft.cap(0.5, f"done in {told_year[1]}: told as history")
    elif (
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
    fields.setdefault("event_id", news_event_id(event_type, fields, occurred))
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
        alternatives=_alternatives(event, sentence, reading.article_date),
    )


#: The most values offered for one field: nearest first, enough to hold a table row's figures.
_MOST_OFFERED = 12
#: Fields holding an amount of money, a tonnage, a day: what the values around a fact may fill.
_MONEY_FIELDS = frozenset({"consideration", "amount", "price_per_kg"})
_DAY_FIELDS = frozenset({"occurred_at", "effective_from", "effective_until"})
#: Fields naming an organisation the extractor derives rather than reads as a party.
_NOT_PARTIES = frozenset({"event_id", "control_id", "venture_id", "correlation_id", "causation_id"})


def _alternatives(
    event: InputEvent, sentence: Sentence, article_date: date | None
) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    """For each field of the event's kind, the values of that kind the text around the fact gives
    other than the one read: what a reviewer picks from when the rules chose wrong. The sentence
    first, then the sentences just before it (a filing gives the holding before a few lines
    above), the dates said around it and the article's own, and the organisations it refers
    back to ("the company")."""
    document = event.model_dump(mode="json", exclude_none=True)
    around = (sentence, *sentence.earlier)
    referents = (sentence.antecedent, sentence.prior_subject, sentence.issuer)
    days = [
        *sentence.dates,
        *sentence.previous_dates,
        *(d for _text, dates in sentence.following for d in dates),
    ]
    by_kind: dict[str, list[Any]] = {
        "pct": [str(plain(q.value)) for s in around for q in s.percentages],
        "tonnes": [str(plain(q.value)) for s in around for q in s.tonnes],
        "money": [
            {"amount": str(plain(m.amount)), "currency": m.currency}
            for s in around
            for m in s.money
        ],
        "day": [
            *(d.value.isoformat() for d in days),
            *([article_date.isoformat()] if article_date else []),
        ],
        "party": [
            *(m.entity_id for m in sentence.mentions if not m.proposed),
            *(m.entity_id for m in referents if m is not None and not m.proposed),
        ],
    }
    offered = []
    for name in type(event).model_fields:
        kind = _value_kind(name)
        if kind is None:
            continue
        current = document.get(name)
        if kind == "day" and isinstance(current, str):
            current = current[:10]
        values: list[Any] = []
        for value in by_kind[kind]:
            if value != current and value not in values and len(values) < _MOST_OFFERED:
                values.append(value)
        if values:
            offered.append((name, tuple(values)))
    return tuple(offered)


def _value_kind(name: str) -> str | None:
    if name.startswith("pct_") or name.endswith("_pct"):
        return "pct"
    if name == "tonnes":
        return "tonnes"
    if name in _MONEY_FIELDS:
        return "money"
    if name in _DAY_FIELDS:
        return "day"
    if name.endswith("_id") and name not in _NOT_PARTIES:
        return "party"
    return None


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


#: Every kind of event the extractor proposes, organisations not registered yet included.
EXTRACTED_KINDS = frozenset({*ID_FIELDS, "entity_registered"})


def _with_fields(candidate: Candidate, updates: dict[str, Any], note: str) -> Candidate:
    document = candidate.event.model_dump(mode="json", exclude_none=True)
    document.update(updates)
    try:
        event = parse_input_event(document)
    except pydantic.ValidationError:
        return candidate
    sightings = tuple(replace(s, source=event.source) for s in candidate.sightings)
    return replace(candidate, event=event, notes=(*candidate.notes, note), sightings=sightings)


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
        group = element_group(following.text)
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
        document["event_id"] = news_event_id("output_reported", document, occurred)
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
    r"\b(?:price|paid|pays|paying|consideration|proceeds|cost|costs|valued at|worth|came to"
    r"|totall?ed|for a total of|for a combined)\b",
    re.I,
)

#: How many sentences after a stake's may give its price or the holding before it.
STAKE_REACH = 4


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
        stakes = [c for c in completed if c.event.type == "stake_changed"]
        updates.update(_stake_terms_nearby(candidate, {**own, **updates}, sentences, stakes))
        if updates:
            completed[index] = _with_fields(
                candidate,
                updates,
                f"{', '.join(sorted(updates))} from another sentence of the article on this deal",
            )
    return completed


def _stake_terms_nearby(
    candidate: Candidate,
    known: dict[str, Any],
    sentences: Sequence[Sentence],
    stakes: Sequence[Candidate] = (),
) -> dict[str, Any]:
    """The price and the earlier holding of a stake, from the sentences after the one reporting
    it that name no other organisation ("Shenghe already held 19.9 per cent.", "The price for
    the shares came to A$158 million.")."""
    position = _position(candidate, sentences)
    if position is None:
        return {}
    parties = {known["holder_id"], known["target_id"]}
    other_reports = {
        other.evidence.start
        for other in stakes
        # (a seller's report on the same company is the same deal told from its side)
        if getattr(other.event, "target_id", None) != known["target_id"]
        and other.evidence.article == candidate.evidence.article
    }
    terms: dict[str, Any] = {}
    asked_price = False  # "HOST: And what did that cost?" before the answer giving the sum
    for later in sentences[position + 1 : position + 1 + STAKE_REACH]:
        if later.start in other_reports:
            # "Baotou Steel has cut its holding in Northern. The sales brought in …": the
            # terms after the report of a stake in another company are that stake's.
            break
        buyer_paid = _BUYER_PAID.match(later.text)
        if any(m.entity_id not in parties for m in later.mentions) and buyer_paid is None:
            continue  # (not "It paid Ganzhou RMB 1.12bn": the buyer paying the seller)
        if "pct_before" not in known and "pct_before" not in terms:
            for pct in later.percentages:
                if known.get("pct_after") == "100" and NOT_YET_HELD.match(
                    later.text[pct.end : pct.end + 160]
                ):
                    # "… paid A$96.2 million for the 70 per cent of ETM it did not already own"
                    terms["pct_before"] = str(plain(100 - pct.value))
                    break
                before = later.text[max(0, pct.start - 60) : pct.start]
                if (
                    EARLIER_HOLDING.search(before)
                    or (known.get("pct_after") == "0" and _SOLD_ALL_OF.search(before))
                ) and not hedge(later.text[: pct.end]):
                    terms["pct_before"] = str(pct.value)
                    break
        if (
            "pct_after" not in known
            and "pct_after" not in terms
            and (whole := WHOLE.search(later.text)) is not None
            and not SELL.search(later.text)
            and not hedge(later.text[: whole.end()])
        ):
            terms["pct_after"] = "100"
        if "consideration" not in known and "consideration" not in terms:
            money = consideration(later)
            if (
                money is not None
                and (
                    _PRICE_OF_DEAL.search(later.text[: money.start])
                    or _SOLD_FOR.search(later.text[: money.start])
                    # "The shares were placed … through block trades, raising RMB 2.31 billion."
                    # "The sales brought in 3.62 billion yuan."
                    or re.search(
                        r"\b(?:rais(?:ed|ing)|br(?:ought|ings?) in|fetch(?:ed|es)"
                        r"|nett(?:ed|ing))\s*$",
                        later.text[: money.start],
                    )
                    or re.match(r"\s*(?:in total|in all|all told)\b", later.text[money.end :])
                    or (asked_price and _ANSWER_OPENS.fullmatch(later.text[: money.start]))
                )
                and not hedge(later.text[: money.end])
            ):
                terms["consideration"] = consideration_field(money)
        asked_price = later.text.rstrip().endswith("?") and bool(_PRICE_OF_DEAL.search(later.text))
    if "consideration" not in known and "consideration" not in terms:
        # "… advised Apple on its US$75 million investment in Niron. … the iPhone maker owns
        # roughly eight per cent of Niron": the sum told before the holding.
        for earlier in sentences[max(0, position - STAKE_REACH) : position]:
            for money in earlier.money:
                if hedge(earlier.text[: money.end]):
                    continue
                invested = _INVESTMENT_IN.match(earlier.text, money.end)
                held = [m for m in earlier.mentions if invested and m.start == invested.end()]
                # "The DoD exercised that warrant, paying US$350 million for new common
                # shares. The DoD now owns approximately 15 per cent of the company."
                paid_for_shares = _PAID_FOR_SHARES.match(earlier.text, money.end) and any(
                    m.entity_id == known["holder_id"] for m in earlier.mentions
                )
                if (held and held[0].entity_id == known["target_id"]) or paid_for_shares:
                    terms["consideration"] = consideration_field(money)
    return terms


#: A sum paid for shares: "US$350 million for new common shares".
_PAID_FOR_SHARES = re.compile(
    r"\s+for\s+(?:newly[- ]issued\s+|new\s+)?(?:common\s+|ordinary\s+)?(?:shares|stock)\b"
    # "has put 6.0 billion yuan of new capital into the state rare-earth champion"
    r"|\s+(?:of\s+)?(?:new|fresh|additional)\s+(?:capital|equity)\s+(?:into|in)\b"
)

#: A sum and what it bought: "US$75 million investment in", "A$40m purchase of".
_INVESTMENT_IN = re.compile(
    r"\s+(?:cash\s+)?(?:investment|purchase|acquisition|stake|holding|placement)\s+(?:in|of)\s+"
)


#: The buyer of the deal just told paying: "It paid Ganzhou Rare Earth Group RMB 1.12bn".
_BUYER_PAID = re.compile(r"^(?:It|The (?:company|group|buyer|acquirer)) paid\b", re.I)

#: "sold the shares, about 76 million of them, to domestic funds for": the deal's price next.
_SOLD_FOR = re.compile(
    r"\b(?:sold|sells|bought|buys|acquired|purchased)\b[^.;]*\bfor\s*(?:a total of\s*)?$", re.I
)

#: A seller's whole holding, before its size: "sold its remaining 5.2 per cent".
_SOLD_ALL_OF = re.compile(
    r"\b(?:sold|sells|disposed of|offloaded|divested)\s+(?:off\s+)?(?:its|their|the)\s+"
    r"(?:remaining|entire|whole|last|residual)\s+$",
    re.I,
)

#: The opening of an answer in a transcript, before the sum it gives: "MP MATERIALS CFO: ".
_ANSWER_OPENS = re.compile(r"\s*(?:[A-Z][A-Za-z .&'-]{0,40}:\s*)?(?:about |around |roughly )?")

#: A later sentence speaking of the venture without naming it.
_THE_VENTURE = re.compile(
    r"\bthe (?:joint |new )?venture\b|\bthe JV\b|\b(?:in|into) it\b|\bregistered capital\b"
    r"|\b[Tt]ogether they\b|^Each (?:owns|holds|has|partner)\b"
    r"|\b(?:the|both) (?:two )?(?:partners|shareholders)\b",
    re.I,
)

#: Money the partners put into the venture, said after the sentence forming it.
_INVESTED_IN_IT = re.compile(
    r"\b(?:invest\w*|put\w*|contribut\w*|inject\w*|commit\w*|capitali[sz]ed|funded|paid[- ]in"
    r"|registered capital|charter capital|starts? with a capital)\b",
    re.I,
)

#: "the €40m venture": a sum that sizes the venture.
_VENTURE_AFTER_MONEY = re.compile(r"^\s*(?:joint[- ])?venture\b", re.I)

#: "VAC will control the venture's board", "Lynas controls the JV": the partner in control.
_CONTROLS_IT = re.compile(
    r"\s(?:will |is to |shall )?(?:controls?|run|runs|have control of|has control of)"
    r" (?:the (?:joint |new )?venture|the JV|it)\b",
    re.I,
)

#: How far after the sentence forming a venture its owners' shares may be given.
VENTURE_REACH = 6


def _complete_mergers(
    candidates: list[Candidate], sentences: Sequence[Sentence]
) -> list[Candidate]:
    """A merger's price told in the sentence after it, when that sentence names no other
    organisation ("eVAC has merged into MP. The transaction closed on Tuesday, with MP paying
    US$1.9bn in cash.")."""
    completed = []
    for candidate in candidates:
        event = candidate.event
        position = _position(candidate, sentences)
        if (
            not isinstance(event, MergerCompleted)
            or event.consideration is not None
            or position is None
            or position + 1 >= len(sentences)
        ):
            completed.append(candidate)
            continue
        later = sentences[position + 1]
        parties = {event.survivor_id, event.absorbed_id}
        money = consideration(later)
        if (
            money is not None
            and all(m.entity_id in parties for m in later.mentions)
            and _PRICE_OF_DEAL.search(later.text[: money.start])
            and not hedge(later.text[: money.end])
        ):
            candidate = _with_fields(
                candidate,
                {"consideration": consideration_field(money)},
                "consideration from the sentence after the merger",
            )
        completed.append(candidate)
    return completed


def _without_unnamed_ventures(candidates: list[Candidate]) -> list[Candidate]:
    """A venture told first without its name ("formed a joint venture with eVAC") and later by
    name is the named one: the unnamed report of the same partners goes."""
    named = {
        frozenset(p.entity_id for p in c.event.partners)
        for c in candidates
        if isinstance(c.event, JointVentureFormed) and c.event.name
    }
    return [
        c
        for c in candidates
        if not (
            isinstance(c.event, JointVentureFormed)
            and not c.event.name
            and frozenset(p.entity_id for p in c.event.partners) in named
        )
    ]


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
        if document["type"] != "joint_venture_formed":
            completed.append(candidate)
            continue
        # Shares already read from the sentence forming it are not read again; the price and
        # who controls it may still be told after.
        shares_known = any("pct" in p for p in partners)
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
            if name is None and (later_name := venture_name(later.text)) is not None:
                name = later_name[0]
                updates["name"] = name
            if "consideration" not in document and "consideration" not in updates:
                money = consideration(later)
                if money is not None and (
                    _INVESTED_IN_IT.search(later.text)
                    or _VENTURE_AFTER_MONEY.match(later.text[money.end :])
                ):
                    updates["consideration"] = consideration_field(money)
            if "controlling_partner_id" not in document and "controlling_partner_id" not in updates:
                controller = _CONTROLS_IT.search(later.text)
                controllers = [
                    m for m in later.mentions if controller and m.end <= controller.start()
                ]
                if controllers and controllers[-1].entity_id in ids:
                    updates["controlling_partner_id"] = controllers[-1].entity_id
            if shares_known:
                continue
            if len(ids) == 2 and EQUAL_SPLIT.search(later.text) and not later.percentages:
                # "Each owns half and neither controls it."
                found = {entity_id: Decimal(50) for entity_id in ids}
            owners = [m for m in later.mentions if m.entity_id in ids]
            for pct in later.percentages:
                owner = owner_of(later, pct, owners)
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
