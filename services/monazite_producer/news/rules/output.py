"""Output and capacity figures, each with its own producer, year and stage, and tables of
figures. Pure.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from monazite_producer.news.entities import Mention
from monazite_producer.news.quantities import (
    Quantity,
    find_tonnes,
    find_years,
    plain,
)
from monazite_producer.news.reading import (
    COUNTRY_AS_OBJECT,
    FIRST_PERSON,
    QUOTA_WORDS,
    REFERRED_CAP,
    Draft,
    Reading,
    Sentence,
    element_group,
    is_company,
    jurisdiction_mentions,
    stage_positions,
    stages_named,
    without_oxide_unit,
    year_of,
)
from monazite_producer.news.rules.tables import table_cells

#: A yearly rate or a capacity; "a year earlier" and "a year ago" date a figure instead.
_CAPACITY = re.compile(
    r"\bcapacity\b|\b(?:is|are|was|were) able\b[^.;]{0,30}?\bto (?:produce|separate|process|mine"
    r"|refine|make|turn out)\b"
    r"|\ba year\b(?! (?:earlier|ago|before|later|on))|\bper year\b|\bper annum\b"
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
_PRODUCED = re.compile(
    r"\bproduc\w*|\boutput\b|\bmined\b|\bmade\b|\bdelivered\b|\bdug\b"
    # "Jinlong separated 6,300 tonnes": the verb, not "separated oxides"
    r"|\b(?:separated|refined|smelted)(?=\s+(?:an estimated\s+|about\s+|some\s+)?\d)"
    r"|\b(?:turn(?:s|ed|ing)?|churn(?:s|ed|ing)?) out\b"
    # "obtained 31,400 tonnes of separated oxides", "the line yielded 2,000 tonnes"
    r"|\b(?:obtained|yielded)(?=\s+(?:an estimated\s+|about\s+|some\s+|roughly\s+)?\d)",
    re.I,
)

#: An item of a list labelled with its producer: "Thailand: 9,800 t".
_LABELLED_ITEM = re.compile(r"^[A-Z][\w .'&-]{1,40}:\s")

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
    # "10,655 tonnes in the 2026 financial year"
    r"|^[^;]{0,50}?\b(?:in|for|during|over) (?:the|its) ((?:19|20)\d\d) (?:financial|fiscal"
    r"|calendar) year\b"
)

#: … or just before it: "its 2023 level of 3,600 tonnes", "2024 output of 12,000 tonnes".
_OWN_YEAR_BEFORE = re.compile(
    r"\b((?:19|20)\d\d)\s+(?:level|output|production|figure|total|capacity|volume)s?\s+"
    r"(?:of|at|was|were)\s+(?:about |around |roughly |some )?$",
    re.I,
)

#: A phrase describing the name before it: ", the US arm of VAC,".
_APPOSITIVE = re.compile(r",\s+(?:the|a|an|its)\s[^,]{1,80},")

#: A year opening a clause: "For the full year 2027, …", "In 2026 the company …".
_OPENING_YEAR = re.compile(
    r"\s*(?:For|In|During|Over)\s+(?:the\s+)?(?:full\s+|whole\s+|calendar\s+|financial\s+"
    r"|fiscal\s+)?(?:year\s+)?((?:19|20)\d\d)\b(?!\s*(?:[-–/]|first|second|third|fourth|Q\d|H\d))"
)

#: A report's comparative in brackets: "1,860 tonnes during 2027 (2026 - 1,720 tonnes)",
#: "(2026: 1,720t)".
_COMPARATIVE = re.compile(r"\(\s*((?:19|20)\d\d)\s*[-–—:]\s*$")

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
    if not sentence.tonnes or QUOTA_WORDS.search(text):
        return []
    capacity = _CAPACITY.search(text)
    produced = _PRODUCED.search(text)
    carried_on = (
        not capacity
        and not produced
        and reading.output_topic is not None
        and _CARRIES_ON.search(text) is not None
    ) or (
        # "Australia: mines produced 17,500 t in 2025." then "Thailand: 9,800 t, down …": a
        # list of figures, each item labelled with its producer.
        not capacity
        and not produced
        and _LABELLED_ITEM.match(text) is not None
        and _PRODUCED.search(sentence.previous_text) is not None
        and _LABELLED_ITEM.match(sentence.previous_text) is not None
    )
    if not capacity and not produced and not carried_on:
        return []
    anchor = produced.start() if produced else None
    # "tonnes of rare-earth oxide" is the unit a figure is counted in; it names a stage only
    # when nothing else does.
    unit_blanked = replace(sentence, text=without_oxide_unit(text))
    drafts: list[Draft] = []
    previous: tuple[_Producer, int, str] | None = None
    previous_group: str | None = None
    for index, tonnes in enumerate(sentence.tonnes):
        clause_start = _clause_start(text, tonnes.start)
        clause_end = _clause_end(text, tonnes.end)
        window = _figure_window(sentence, tonnes, clause_start)
        if _PART_BEFORE.search(text[clause_start : tonnes.start]) and previous is not None:
            producers, period, stage = [previous[0]], previous[1], previous[2]
            group = element_group(text[tonnes.end : tonnes.end + 40])
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
            opening_year = _OPENING_YEAR.match(text, clause_start)
            compared = re.search(
                r"\b(?:from|than|compared (?:with|to)|against|versus|vs\.?)\s+(?:about\s+)?$",
                text[max(0, tonnes.start - 30) : tonnes.start],
            )
            if own_year is None and opening_year is not None and not compared:
                # "For the full year 2027 Mountain Pass mined 46,320 t … and separated 2,810 t":
                # the year that opens the clause is every figure's in it.
                own_year = int(opening_year.group(1))
            if own_year is None and not first_of_clause:
                continue
            period_or_none = own_year or year_of(
                _clause(sentence, clause_start, clause_end), reading
            )
            lead_years = set(_years_in(sentence.lead))
            if own_year is None and len(lead_years) == 1:
                later_years = {
                    _own_period(sentence, t, reading) for t in sentence.tonnes[index + 1 :]
                }
                if period_or_none is None or period_or_none in later_years:
                    # "- NdPr production of 3,180 t, versus 2,420 t in 2026" under "Full Year
                    # 2027 Highlights": 2026 is the compared figure's; this one's year is the
                    # heading's ("Fourth Quarter 2027 Highlights" names part of a year).
                    if _PART_OF_A_YEAR.search(sentence.lead):
                        continue
                    period_or_none = lead_years.pop()
            if period_or_none is None and capacity and reading.article_date is not None:
                period_or_none = reading.article_date.year
            carried_from_before = False
            if period_or_none is None:
                # "China's mines produced 300,000 t in 2025. Burma produced 28,000 t.": the
                # year (and, failing its own, the stage) of the figures the sentence before gave.
                period_or_none = _year_of_figures_before(sentence)
                carried_from_before = period_or_none is not None
            if period_or_none is None and previous is not None:
                # "… mined 204,300 t in 2026, and its plants produced 76,950 t": the year of the
                # figure before, in the same sentence
                period_or_none = previous[1]
            if period_or_none is None and _OVER_THE_YEAR.search(text):
                # "The report said that 2025 was a year of integration. The group's mines
                # delivered 36,820 tonnes over the year": the one year just spoken of.
                period_or_none = _year_spoken_of(sentence, reading)
            if period_or_none is None:
                continue
            period = period_or_none
            stages = stages_named(_figure_window(unit_blanked, tonnes, clause_start))
            if not stages and previous is not None:
                # "… 130 tonnes of ore in 2024, down from 310 tonnes in 2023": the same stage.
                stages = [previous[2]]
            stages = stages or stages_named(window)
            if not stages and carried_from_before:
                stages = stages_named(without_oxide_unit(sentence.previous_text))[:1]
            if not stages and reading.output_topic is not None:
                stages = [reading.output_topic]
            if not stages:
                continue
            named_next = stages_named(unit_blanked.text[tonnes.end : tonnes.end + 30])
            if len(named_next) == 1:
                # "4,260 tonnes of NdPr metal …, sold to magnet makers": the stage of the words
                # right after the figure
                stage = named_next[0]
            else:
                # (a phrase describing a name, ", the second-largest source of ore for
                # Chinese separators,", says nothing of the figure's stage)
                named_before = stage_positions(
                    _APPOSITIVE.sub(
                        lambda found: " " * len(found.group()),
                        unit_blanked.text[max(clause_start, tonnes.start - 80) : tonnes.start],
                    )
                )
                if len(stages) > 1 and "magnets" not in stages and named_before:
                    # "the separation plant can now handle 5,000 t a year, after a second
                    # solvent-extraction train …": the stage named nearest before the figure
                    stage = named_before[-1][1]
                else:
                    stage = stages[-1] if "magnets" in stages else stages[0]
        stated_in_present = (
            capacity and not find_years(text) and not _own_period(sentence, tonnes, reading)
        )
        # A capacity word far from the figure ("the survey's annual summary") says nothing of it.
        near = text[max(clause_start, tonnes.start - 80) : min(clause_end, tonnes.end + 60)]
        # … and a quarter told for the figure beside it is not this one's: "2,811 t in the
        # March quarter and 10,655 t in the 2026 financial year".
        own_start = tonnes.start if index else max(clause_start, tonnes.start - 80)
        later = [t.start for t in sentence.tonnes[index + 1 :]]
        own_end = min([*later, tonnes.end + 60])
        if _PART_OF_A_YEAR.search(text[own_start:own_end]) and not capacity:
            # "12,140 tonnes in the fourth quarter of 2025": not the year's output
            continue
        # "NdPr output rose to 2,310 tonnes in 2026, from 1,294 tonnes in 2025": a figure
        # compared with the one before is of the same elements.
        counted_in = re.match(r"\s*(?:tonnes\s+|t\s+)?of\s+([^,;]{1,40})", text[tonnes.end :])
        group = (
            group
            or (element_group(counted_in.group(1)) if counted_in else None)
            or element_group(window)
            or previous_group
            or "total_reo"
        )
        for producer in producers:
            draft = _output_draft(producer, tonnes, period, stage, group)
            if capacity and _CAPACITY.search(near):
                draft.fields["measure"] = "capacity"
            if stated_in_present:
                draft.notes.append(
                    "the capacity is stated in the present: the article's year taken as period"
                )
            if stage == "magnets" and not re.search(r"\bsamarium|\bSmCo\b", window, re.I):
                # magnets are counted in tonnes of magnet, not of oxide
                draft.fields["element_group"] = "ndfeb"
            if carried_on:
                draft.notes.append("carries on the article's output figures")
            # "Silmet is able to separate up to 4,000 tonnes": what a plant can do now is a
            # ceiling, stated exactly (a plant still to be built "up to" a figure is not).
            ceiling = bool(re.search(r"\bup to\s*$", text[: tonnes.start])) and bool(
                re.search(r"\b(?:is|are) able to\b", text)
            )
            if tonnes.approximate and not _estimated(text, tonnes) and not ceiling:
                draft.cap(0.65, f"the tonnage is approximate ({tonnes.value} t)")
            if capacity and (planned := _PLANNED.search(text[clause_start:clause_end])):
                draft.cap(0.4, f"a planned capacity: the sentence says {planned.group()!r}")
            drafts.append(draft)
        previous = (producers[-1], period, stage)
        previous_group = group
    return drafts


def _year_of_figures_before(sentence: Sentence) -> int | None:
    if len(sentence.tonnes) > 1 or re.search(r"\byears?\b", sentence.text, re.I):
        return None  # figures compared over years ("… from 200 t a year earlier") date themselves
    years = set(find_years(sentence.previous_text))
    if len(years) == 1 and find_tonnes(sentence.previous_text):
        return years.pop()
    return None


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
        columns = table_cells(header)[1:]
        row_cells = table_cells(cells)
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
    stages = stages_named(without_oxide_unit(heading)) or (
        [reading.output_topic] if reading.output_topic else []
    )
    if not stages:
        return []
    drafts = []
    for measure, year, value in figures:
        tonnes = Quantity(plain(value * scale), row.end(), len(sentence.text), approximate=False)
        draft = _output_draft(producer, tonnes, year, stages[0], "total_reo")
        draft.fields["measure"] = measure
        draft.fields["element_group"] = element_group(heading) or "total_reo"
        draft.notes.append("a row of a table: unit, year and stage from its heading")
        drafts.append(draft)
    return drafts


#: A figure for part of a year: a quarter, a half, some months, the year to date.
_PART_OF_A_YEAR = re.compile(
    r"\b(?:(?:first|second|third|fourth|last|latest|current|final|June|March|September"
    r"|December|the) quarter|quarterly|Q[1-4]|H[12]|(?:first|second) half|half[- ]year"
    r"|(?:three|six|nine) months|year to date|YTD)\b",
)

#: A figure for a year the sentence does not name: "over the year", "for the full year".
_OVER_THE_YEAR = re.compile(r"\b(?:over|during|for|in|across) the (?:full |whole |past )?year\b")


def _year_spoken_of(sentence: Sentence, reading: Reading) -> int | None:
    """The one year (not after the article's) the two sentences before speak of."""
    years = {
        year
        for earlier in sentence.earlier[-2:]
        for year in re.findall(r"\b(?:19|20)\d\d\b", earlier.text)
    }
    if not years and sentence.context_year is not None:
        # "Output reached 1,150 t, … across the year" in a report whose figures so far were
        # for 2027: the year the report is about.
        years = {str(sentence.context_year)}
    if len(years) != 1:
        return None
    year = int(years.pop())
    if reading.article_date is not None and year > reading.article_date.year:
        return None
    return year


def _table_heading(row: Sentence) -> str:
    """The two lines above the table a row belongs to: its title and its unit line."""
    above = list(row.earlier)
    while above and (_TABLE_ROW.match(above[-1].text) or above[-1].text.startswith("|")):
        above.pop()
    return " ".join(e.text for e in above[-2:])


def _row_producer(sentence: Sentence, reading: Reading, row: re.Match[str]) -> _Producer | None:
    name_start, name_end = row.span("name")
    countries = [
        code for s, e, code in jurisdiction_mentions(sentence.text) if name_start <= s < name_end
    ]
    if countries:
        return _Producer(country=countries[0])
    companies = [
        m
        for m in sentence.mentions
        if name_start <= m.start < name_end and is_company(m, reading.directory)
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


#: Where one clause of figures ends and the next begins: a semicolon, ", while", ", whereas".
_CLAUSE_BREAK = re.compile(
    r";|,\s+(?=(?:while|whereas)\b)"
    # "The company mined 204,300 t in 2026, and its separation plants produced 76,950 t"
    r"|,\s+(?=and (?:its|their|the company's|the group's)\b)"
)


def _clause_start(text: str, position: int) -> int:
    """Where the clause holding `position` begins: after the last break before it."""
    breaks = [b.end() for b in _CLAUSE_BREAK.finditer(text, 0, position)]
    return breaks[-1] if breaks else 0


def _clause_end(text: str, position: int) -> int:
    found = _CLAUSE_BREAK.search(text, position)
    return len(text) if found is None else found.start()


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
        possessive = _POSSESSIVE.match(text[end:])
        if possessive and any(m.start == end + possessive.end() for m in sentence.mentions):
            continue  # "Germany's Vacuumschmelze": whose company, not whose figure
        if _FOR_OWNER.search(text[clause_start:start]) or possessive:
            return [producer]
    companies = [m for m in sentence.mentions if is_company(m, reading.directory)]
    subject_end = anchor if anchor is not None else tonnes.start
    country = _producing_country(sentence, subject_end, companies)
    if country is not None:
        return [_Producer(country=country)]
    if companies:
        return [_Producer(company=companies[0])]
    if _THE_COUNTRY.search(text[: tonnes.start]) and not companies:
        # "Take Madagascar. … the island mined 2,000 tonnes": the country named just before.
        for earlier in reversed(sentence.earlier[-3:]):
            countries = jurisdiction_mentions(earlier.text)
            if countries:
                return [_Producer(country=countries[-1][2])]
    referent = sentence.antecedent or sentence.issuer
    if referent is not None and (
        _REFERS_BACK.match(text)
        or re.search(r"\b[Tt]he (?:Group|Company)(?:'s|’s)?\b", text[: tonnes.start])
        or FIRST_PERSON.search(text[: tonnes.start])
        or (_OUTPUT_AS_SUBJECT.match(text) and not jurisdiction_mentions(text))
        or (re.search(r"\bit\b", text[: tonnes.start]) and not jurisdiction_mentions(text))
    ):
        return [_Producer(company=referent, referred=True)]
    return []


#: A country referred to, not named: "the island mined …", "the country produced …".
_THE_COUNTRY = re.compile(r"\bthe (?:island|country|nation)\b", re.I)

#: A company's own report, with its output as the subject: "Total rare-earth oxide production
#: for FY2025 was 10,655 tonnes".
_OUTPUT_AS_SUBJECT = re.compile(
    r"^(?:[-•*–]\s+)?(?:Total\s+|Annual\s+|Group\s+)?(?:[\w-]+\s+){0,3}?(?:production|output)\b",
    re.I,
)


def _producer_names(
    sentence: Sentence, reading: Reading, start: int, end: int
) -> list[tuple[int, int, _Producer]]:
    """The countries and companies named between `start` and `end`, left to right."""
    text = sentence.text
    names = [
        (s, e, _Producer(country=code))
        for s, e, code in jurisdiction_mentions(text)
        if start <= s and e <= end and _names_producer(text, s, e)
    ]
    names += [
        (m.start, m.end, _Producer(company=m))
        for m in sentence.mentions
        if start <= m.start and m.end <= end and is_company(m, reading.directory)
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
        return int(own.group(1) or own.group(2))
    if own := _OWN_YEAR_BEFORE.search(text[max(0, tonnes.start - 40) : tonnes.start]):
        return int(own.group(1))
    if own := _COMPARATIVE.search(text[max(0, tonnes.start - 12) : tonnes.start]):
        return int(own.group(1))
    if _YEAR_EARLIER.match(after):
        stated = find_years(text) + ([sentence.context_year] if sentence.context_year else [])
        reference = max(stated, default=None)
        return reference - 1 if reference else None
    if fiscal := _FISCAL_YEAR.search(text):
        year = next(g for g in fiscal.groups() if g)
        return int(year) if len(year) == 4 else 2000 + int(year)
    return None


#: "Mine production in Myanmar slipped to …": the country is where the output is, its producer.
_OUTPUT_IN = re.compile(r"\b(?:production|output)\s+in\s+(?:the\s+)?$", re.I)


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
        for start, end, code in jurisdiction_mentions(text)
        if (
            (start < subject_end and not COUNTRY_AS_OBJECT.search(text[max(0, start - 20) : start]))
            or _OUTPUT_IN.search(text[max(0, start - 30) : start])
        )
        and _names_producer(text, start, end)
    ]
    return subjects[-1] if subjects else None
