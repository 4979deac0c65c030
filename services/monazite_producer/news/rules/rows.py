"""Rows of output tables laid out with spaces or tabs rather than bars: statistics releases
("China        mine production      270,000     +0.0") and a company's operating table
("NdPr oxide      802      571      2,944      1,294" under a header of years). Pure.

A row names its producer (a country or a company) or, in a company's own table, a product;
its year comes from the column's header or, for a table without one, from the lines that
introduce the table; its unit must be said in those lines, the header or the row.
"""

from __future__ import annotations

import re
from decimal import Decimal

from monazite_producer.news.entities import Mention
from monazite_producer.news.quantities import find_dates, find_money, plain
from monazite_producer.news.reading import (
    HISTORY_DAYS,
    Draft,
    Reading,
    Sentence,
    consideration_field,
    element_group,
    is_company,
    jurisdiction_mentions,
    stages_named,
    without_oxide_unit,
)

#: Cells of a row: runs of text apart by a tab, two spaces or more, "///" or a middle dot.
_CELL_GAP = re.compile(r"\t+|\s{2,}|\s*/{3}\s*|\s+·\s+")

#: A figure standing alone in a cell: "270,000", "2,944", "9400". Not "+3.3", not "18%".
_FIGURE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")

#: A year in a header cell: "2025", "FY2025", "Production 2024", "CY 2025".
_YEAR_CELL = re.compile(r"\b(?:FY|CY)?\s?((?:19|20)\d\d)\b")

#: Columns or rows of something other than output: sales, stock, trade, money, changes, parts
#: of a year.
_NOT_OUTPUT = re.compile(
    r"\b(?:sales?|sold|inventor\w*|stocks?|exports?|imports?|shipments?|revenue|price\w*"
    r"|cost\w*|change|growth|share|consumption|demand|reserves?|resources?|grade|recover\w*"
    r"|utili[sz]ation|guidance|target|plan|forecast|Q[1-4]|H[12]|quarter\w*|half|months?"
    r"|per ?cent|%|y/y|yoy)\b",
    re.I,
)

#: The unit of a table's figures, said above it or in its header: "(metric tons)", "Figures
#: are in tonnes", "tonnes of rare-earth oxide (REO) equivalent", "'000 t", "kt".
_UNIT = re.compile(
    r"(?P<scale>\bthousand\s+|'000\s*)?\b(?:metric\s+)?(?:tonnes|tons|t)\b(?!-)|\b(?P<kilo>kt)\b",
    re.I,
)

#: Rows that add other rows up, or stand for no one supplier.
_NOT_A_SUPPLIER = re.compile(r"^(?:world|total|other|others|rest of|sub-?total)\b", re.I)

#: How many lines above a table may introduce it (title, unit line, a sentence on its year).
_INTRO_REACH = 6


def row_cells(text: str) -> list[str]:
    """The cells of a line laid out as a table row, or [] when it is prose."""
    if text.startswith("|") or not _CELL_GAP.search(text):
        return []
    cells = [c.strip() for c in _CELL_GAP.split(text) if c.strip()]
    return cells if len(cells) >= 2 else []


def spaced_row_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    """Each output figure of a spaced table row, with its producer, stage, year and unit."""
    cells = row_cells(sentence.text)
    if not cells or _FIGURE.fullmatch(cells[0]) or not any(_FIGURE.fullmatch(c) for c in cells):
        return []
    label = cells[0]
    if _NOT_A_SUPPLIER.match(label):
        return []
    header = _header(sentence)
    intro = _introduction(sentence, reading)
    unit = _UNIT.search(" ".join([header[0] if header else "", intro, label]))
    if unit is None:
        return []
    scale = Decimal(1000) if unit["scale"] or unit["kilo"] else Decimal(1)
    producer, product = _row_producer(sentence, reading, cells)
    if producer is None:
        return []
    described = " ".join(product)
    if _NOT_OUTPUT.search(described):
        return []
    stage = _stage(described) or _stage(intro) or reading.output_topic
    if stage is None:
        return []
    figures = _figures(cells, header, intro)
    drafts = []
    for measure, year, value in figures:
        draft = Draft(
            {
                "type": "output_reported",
                **(
                    {"country": producer}
                    if isinstance(producer, str)
                    else {"entity_id": producer.entity_id}
                ),
                "commodity": "rare_earths",
                "element_group": element_group(described) or element_group(intro) or "total_reo",
                "stage": stage,
                "period": year,
                "measure": measure,
                "tonnes": str(plain(value * scale)),
            },
            confidence=0.85,
            notes=["a row of a spaced table: unit and year from its header or the lines above"],
        )
        if not isinstance(producer, str):
            draft.parties = [producer]
        drafts.append(draft)
    return drafts


def _row_producer(
    sentence: Sentence, reading: Reading, cells: list[str]
) -> tuple[str | Mention | None, list[str]]:
    """Whose figures the row gives (a country code or a company) and the words that say of
    what: the other text cells, or the label itself in a company's table of its products."""
    label = cells[0]
    words = [c for c in cells[1:] if not _FIGURE.fullmatch(c) and not re.fullmatch(r"[+\-−].*", c)]
    label_end = sentence.text.find(label) + len(label)
    countries = [code for _start, _end, code in jurisdiction_mentions(label)]
    # a country's row, not a product named after a place ("Malaysian separated oxide")
    if countries and not stages_named(label):
        return countries[0], words
    companies = [
        m
        for m in sentence.mentions
        if m.start < label_end and is_company(m, reading.directory) and not m.proposed
    ]
    if companies:
        return companies[0], words
    issuer = sentence.issuer
    if issuer is not None and is_company(issuer, reading.directory) and stages_named(label):
        return issuer, [label, *words]
    return None, []


def _header(sentence: Sentence) -> tuple[str, list[str]] | None:
    """The header row above a row: the nearest spaced line above whose cells name years and
    hold no figures but years."""
    for earlier in reversed(sentence.earlier):
        cells = row_cells(earlier.text)
        if not cells:
            continue
        if any(_YEAR_CELL.search(c) for c in cells) and not any(
            _FIGURE.fullmatch(c) and not _YEAR_CELL.fullmatch(c) for c in cells
        ):
            return earlier.text, cells
    return None


def _introduction(sentence: Sentence, reading: Reading) -> str:
    """The lines just above the table (its title, unit line and any sentence on its year),
    and the article's title."""
    above = []
    for earlier in reversed(sentence.earlier):
        if row_cells(earlier.text):
            continue
        above.append(earlier.text)
        if len(above) == _INTRO_REACH:
            break
    return " ".join([*reversed(above), reading.article.title or ""])


def _stage(text: str) -> str | None:
    if re.search(r"\bconcentrates?\b", text, re.I):
        return "mining"  # "oxide in concentrate": the mine's product, counted as oxide
    stages = stages_named(without_oxide_unit(text))
    return stages[0] if len(stages) == 1 else None


def _figures(
    cells: list[str], header: tuple[str, list[str]] | None, intro: str
) -> list[tuple[str, int, Decimal]]:
    """(measure, year, value) of each output figure of the row: by the header's year columns,
    else the one figure of a row under lines naming one year."""
    values = [c for c in cells[1:] if _FIGURE.fullmatch(c) or re.fullmatch(r"[+\-−].*", c)]
    if header is not None and not any(
        _YEAR_CELL.search(c) and not _NOT_OUTPUT.search(c) for c in header[1]
    ):
        # "Country   t REO   Change on 2026": the header's only year heads a change column;
        # the figures' year is the one the lines above give.
        header = None
    if header is not None:
        columns = header[1]
        if len(columns) == len(cells):
            columns = columns[1:]
        columns = columns[len(columns) - len(values) :] if len(columns) >= len(values) else []
        figures = []
        for column, value in zip(columns, values, strict=False):
            year = _YEAR_CELL.search(column)
            if year is None or not _FIGURE.fullmatch(value) or _NOT_OUTPUT.search(column):
                continue
            measure = "capacity" if re.search(r"\bcapacity\b", column, re.I) else "production"
            figures.append((measure, int(year.group(1)), Decimal(value.replace(",", ""))))
        return figures
    plain_values = [v for v in values if _FIGURE.fullmatch(v)]
    years = {int(y) for y in _YEAR_CELL.findall(intro)}
    if len(plain_values) != 1 or len(years) != 1:
        return []
    measure = "capacity" if re.search(r"\bcapacity\b", intro, re.I) else "production"
    return [(measure, years.pop(), Decimal(plain_values[0].replace(",", "")))]


#: A holding in a cell: "38.50%", "7.10 %"; "-", "n/a" or "nil" for none given.
_HOLDING_CELL = re.compile(r"(?P<pct>\d{1,3}(?:\.\d+)?)\s?%")
_NO_HOLDING_CELL = re.compile(r"-|–|n/?a|nil|none", re.I)

#: Words that put a holding before the deal, and after it, in the lines explaining columns.
_BEFORE_WORDS = re.compile(r"\b(?:before|previous|prior|old|earlier)\b", re.I)
_AFTER_WORDS = re.compile(r"\b(?:after|now|new|current|latest)\b", re.I)


def holding_row_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    """A row of a table of holdings laid out with spaces, tabs or dots ("Apple Inc. · Iluka
    Resources (ILU) · 7.10% · 5.30% · 29/06/2026 · A$96.3m"): its holder, the company held
    (the row's second company, else the filing's issuer), the holdings in the order the lines
    above the table give the columns, the price and the date of the change."""
    cells = row_cells(sentence.text)
    holdings = [
        (i, c) for i, c in enumerate(cells) if _HOLDING_CELL.fullmatch(c) or _none_given(c, i)
    ]
    given = [c for _, c in holdings if _HOLDING_CELL.fullmatch(c)]
    if not cells or not given or len(holdings) > 2 or stages_named(sentence.text):
        return []
    companies: list[Mention] = []
    for cell in cells:
        named = [m for m in reading.directory.mentions(cell) if is_company(m, reading.directory)]
        if named and not named[0].proposed:
            companies.append(named[0])
    if not companies:
        return []
    intro = _introduction(sentence, reading)
    holder = companies[0]
    target = companies[1] if len(companies) > 1 else _company_of_table(sentence, reading)
    if len(companies) == 1 and _INVESTMENTS_HELD.search(intro) and sentence.issuer is not None:
        # "The Group holds the following listed equity investment: ETM … 6.1% 4.0%": the row
        # names what the company reporting holds
        holder, target = sentence.issuer, companies[0]
    if target is None or target.entity_id == holder.entity_id:
        return []
    # the columns may be explained just after the table
    intro = " ".join([intro, *(told for told, _ in sentence.following[:1])])
    values = [_HOLDING_CELL.fullmatch(c) for _, c in holdings]
    fields: dict[str, object] = {
        "type": "stake_changed",
        "holder_id": holder.entity_id,
        "target_id": target.entity_id,
    }
    if len(values) == 1:
        if values[0] is None:
            return []
        fields["pct_after"] = str(plain(Decimal(values[0]["pct"])))
    else:
        before, after = values if _before_first(intro) else values[::-1]
        if after is None:
            return []
        fields["pct_after"] = str(plain(Decimal(after["pct"])))
        if before is not None:
            fields["pct_before"] = str(plain(Decimal(before["pct"])))
        if fields.get("pct_before") == fields["pct_after"]:
            return []
    change = next((c for c in cells if _CHANGE_CELL.fullmatch(c)), None)
    if change is not None and re.search(r"\bchange", intro, re.I):
        # "+10.00   41.21%" under "change in percentage points, holding after"
        moved = Decimal(change.replace("−", "-").replace("+", ""))
        if moved == 0:
            return []  # a holder the table lists unchanged
        fields.setdefault("pct_before", str(plain(Decimal(str(fields["pct_after"])) - moved)))
    money = next((m for c in cells for m in find_money(c)), None)
    fields["consideration"] = consideration_field(money)
    draft = Draft(fields, confidence=0.85, notes=["a row of a table of holdings"])
    draft.parties = [holder, target]
    draft.money = money
    changed = next(
        (d for c in cells for d in find_dates(c, article_date=reading.article_date)), None
    )
    if changed is None and _INVESTMENTS_HELD.search(intro):
        # holdings "at 31 December 2025" in a report: dated by its latest column
        column_dates = find_dates(intro)
        changed = max(column_dates, key=lambda d: d.value) if column_dates else None
    if changed is not None:
        draft.occurred = changed.value
        if reading.article_date and (reading.article_date - changed.value).days > HISTORY_DAYS:
            draft.cap(0.5, f"changed {changed.value.isoformat()}: told as history")
    return [draft]


#: A change in percentage points: "+10.00", "-5.00", "0.00".
_CHANGE_CELL = re.compile(r"[+\-−]\d{1,3}(?:\.\d+)?|0\.0+")


def _company_of_table(sentence: Sentence, reading: Reading) -> Mention | None:
    """The company a table of holders is of: the one the title and the text above the table
    name most often (the first named on a tie), leaving out the holders the table lists."""
    listed = set()
    # the rows above and this one are read already; the ones below are resolved here
    rows = [(e.text, e.mentions) for e in (*sentence.earlier, sentence)] + [
        (told, None) for told, _ in sentence.following
    ]
    for row, mentions in rows:
        if not row_cells(row):
            continue
        named = reading.directory.mentions(row) if mentions is None else mentions
        if named:
            listed.add(named[0].entity_id)
    counts: dict[str, int] = {}
    first: dict[str, Mention] = {}
    told = [reading.directory.mentions(reading.article.title or "")]
    told += [e.mentions for e in sentence.earlier if not row_cells(e.text)]
    for mentions in told:
        for mention in mentions:
            if mention.entity_id in listed or not is_company(mention, reading.directory):
                continue
            counts[mention.entity_id] = counts.get(mention.entity_id, 0) + 1
            first.setdefault(mention.entity_id, mention)
    if not counts:
        return sentence.issuer
    return first[max(counts, key=lambda entity_id: counts[entity_id])]


def _none_given(cell: str, index: int) -> bool:
    return index > 0 and _NO_HOLDING_CELL.fullmatch(cell.strip()) is not None


def _before_first(intro: str) -> bool:
    """Whether the columns give the holding before the deal first, as the lines explaining
    them say ("first before and then after"; "voting power now, … previous notice" and
    "interest at 31 December 2025, interest at 30 June 2025" are the other way round). Before
    first where they do not say."""
    before = _BEFORE_WORDS.search(intro)
    after = _AFTER_WORDS.search(intro)
    if before is None and after is None:
        dated = find_dates(intro)
        return not (len(dated) >= 2 and dated[0].value > dated[1].value)
    return not (after is not None and (before is None or after.start() < before.start()))


#: A table of what the company reporting holds: "The Group holds the following listed equity
#: investment".
_INVESTMENTS_HELD = re.compile(
    r"\b(?:holds?|owns?|held) the following\b|\b(?:equity )?investments? (?:held|in listed)\b",
    re.I,
)
