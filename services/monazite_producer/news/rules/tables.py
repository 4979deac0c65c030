"""Tables written with bars: holdings before and after a deal, deal trackers and calendars of
trade measures, each row read as the fact it stands for. Pure.
"""

from __future__ import annotations

import re
from dataclasses import replace

from monazite_producer.news.entities import Mention
from monazite_producer.news.quantities import (
    find_dates,
    find_money,
    find_percentages,
    find_tonnes,
    plain,
)
from monazite_producer.news.reading import (
    Draft,
    Reading,
    Rule,
    Sentence,
    consideration,
    consideration_field,
    hedge,
    is_company,
)
from monazite_producer.news.rules.controls import export_control_rule
from monazite_producer.news.rules.stakes import DEAL_MONEY
from monazite_producer.news.rules.tariffs import tariff_rule

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
        money = consideration(told)
        if (
            money is not None
            and DEAL_MONEY.search(told.text[: money.start])
            and any(m.entity_id == holders[0].entity_id for m in told.mentions)
            and re.search(r"\bpaid\b|\bpays\b|\bconsideration\b", told.text)
        ):
            draft.fields["consideration"] = consideration_field(money)
            draft.money = money
    return [draft]


#: Column titles of a table of deals: who holds, what is held, the holding, the price, status.
_DEAL_COLUMNS = {
    "holder": re.compile(r"^(?:holder|buyer|acquirer|investor|purchaser|shareholder)s?$", re.I),
    "target": re.compile(r"^(?:company|target|issuer|investee)s?$", re.I),
    "holding": re.compile(r"^(?:holding|stake|interest|shareholding)s?$", re.I),
    # "| Holder | Company | Before | After | …": the holding before and after in two columns.
    "before": re.compile(r"^(?:before|holding before|previous(?: holding)?|from)$", re.I),
    "after": re.compile(r"^(?:after|holding after|new holding|now|to)$", re.I),
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
    cells = table_cells(text)
    if len(cells) != len(table_cells(header)):
        return []
    cell_of = {role: cells[index] for role, index in columns.items()}
    starts = _cell_starts(text)
    holders = [m for m in sentence.mentions if _in_cell(m, starts, columns["holder"])]
    targets = [m for m in sentence.mentions if _in_cell(m, starts, columns["target"])]
    if not holders or not targets or holders[0].entity_id == targets[0].entity_id:
        return []
    if "holding" in cell_of:
        holding = find_percentages(cell_of["holding"])
    else:
        # "| - | 5.1% |": no holding before is none told, not a holding of nothing.
        before = find_percentages(cell_of["before"])
        holding = [*before, *find_percentages(cell_of["after"])]
        if not holding or not find_percentages(cell_of["after"]):
            return []
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
            draft.fields["consideration"] = consideration_field(money[0])
    status = " ".join(cell_of.get(role, "") for role in ("holding", "status"))
    if (hedged := hedge(status)) or (hedged := _NOT_DONE.search(status)):
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
    cells = table_cells(text)
    if len(cells) != len(table_cells(header)):
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


def table_cells(row: str) -> list[str]:
    """The cells of a table row written with bars: "| a | b |" is ["a", "b"]."""
    return [c.strip() for c in row.strip().strip("|").split("|")]


def _deal_columns(header: str) -> dict[str, int]:
    return _table_columns(header, _DEAL_COLUMNS, {"holder", "target", "holding"}) or (
        _table_columns(header, _DEAL_COLUMNS, {"holder", "target", "before", "after"})
    )


def _table_columns(
    header: str, titles: dict[str, re.Pattern[str]], required: set[str]
) -> dict[str, int]:
    """Which column holds what (role → index), for a header row with a bar that names every
    `required` role; else nothing."""
    if not header.startswith("|"):
        return {}
    found: dict[str, int] = {}
    for index, title in enumerate(table_cells(header)):
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
            if mention.entity_id in listed or not is_company(mention, reading.directory):
                continue
            counts[mention.entity_id] = counts.get(mention.entity_id, 0) + 1
            first.setdefault(mention.entity_id, mention)
    if not counts:
        return None
    best = max(counts, key=lambda entity_id: counts[entity_id])
    return first[best]
