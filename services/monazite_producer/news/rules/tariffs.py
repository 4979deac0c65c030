"""Tariffs imposed: rate, goods, origin and the jurisdiction that charges them. Pure."""

from __future__ import annotations

import re
from datetime import date

from monazite_producer.news.quantities import DateMention, Quantity, find_percentages
from monazite_producer.news.reading import (
    COUNTRY_AS_OBJECT,
    ELEMENTS,
    Draft,
    Reading,
    Sentence,
    jurisdiction_mentions,
    jurisdiction_named,
    label_country,
    stages_named,
)
from monazite_producer.news.rules.controls import EFFECT_MARKER, effective_date

_TARIFF = r"(?:tariffs?|dut(?:y|ies)|levy|levies|surtax(?:es)?|surcharges?|import tax(?:es)?)"

#: "25% tariff", "a 25 per cent additional duty".
_RATE_BEFORE_TARIFF = re.compile(
    r"^\s*(?:(?:ad valorem|additional|extra|import|punitive|retaliatory|anti-dumping"
    rf"|countervailing|customs|basic customs)\s+)*{_TARIFF}\b",
    re.I,
)

#: Goods entering the country that charges them: "on entry into China", "imported into Japan".
_ENTERING = re.compile(
    r"\b(?:entering|(?:entry|imported|imports?|shipped|coming)\s+(?:in)?to)\s+(?:the\s+)?$", re.I
)

#: "Chinese exporters", "Chinese producers": firms of a country, which charges nothing.
_DEMONYM_FIRMS = re.compile(
    r"^\s+(?:[\w-]+\s+)?(?:exporters|producers|suppliers|companies|firms|makers|manufacturers"
    r"|refiners|sellers|mills)\b",
    re.I,
)

#: A clause giving a measure's reason or occasion.
_REASON = re.compile(
    r",?\s+\b(?:in response to|in retaliation for|in reply to|after (?:the|a|an|its|their)|as"
    r" (?:a|an) (?:response|reply|retaliation))\b",
    re.I,
)

#: "a tariff of 25%", "duties at 25%", "a tariff equal to a quarter of the customs value".
_TARIFF_OF_RATE = re.compile(
    rf"\b{_TARIFF}\s+(?:rate\s+)?(?:(?:of|at|equal to|amounting to|set at|of up to)\s+)?$"
    rf"|\b{_TARIFF}\s*:\s*$",
    re.I,
)

#: "The rate: 18%", "The duty rate is 25%": a tariff's rate told in the sentence after it.
_RATE_STATED = re.compile(
    r"^(?:The|Its) (?:duty |tariff |additional )?rate(?:\s+(?:is|will be|was set at)\s+|\s*:\s*)",
    re.I,
)

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


#: A duty told by what importers pay: "Importers of Chinese permanent magnets will pay an
#: extra 14.2 per cent from 1 March".
_IMPORTERS_PAY_EXTRA = re.compile(
    r"\bimport\w*\b[^.;]{0,80}?\b(?:pay|face|be charged)\s+an? (?:extra|additional)\s+[\d.]+\s?"
    r"(?:%|per ?cent)",
    re.I,
)


def tariff_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    text = sentence.text
    tariff = re.search(rf"\b{_TARIFF}\b", text, re.I) or _IMPORTERS_PAY_EXTRA.search(text)
    if tariff is None or _TARIFF_RELIEF.search(text):
        return []
    told_with_goods = text
    if not _RARE_EARTH_GOODS.search(text):
        # "It covers oxides of neodymium … exported from China. The definitive duty is 16.4
        # per cent …": the goods and their origin told in the sentence before the rate.
        if _rate_told_after(text) is None or not _RARE_EARTH_GOODS.search(sentence.previous_text):
            return []
        if re.search(rf"\b{_TARIFF}\b", sentence.previous_text, re.I):
            return []  # that sentence tells its own tariff
        told_with_goods = f"{sentence.previous_text} {text}"
    rate = _tariff_rate(sentence) or _rate_told_after(text)
    rate_note = None
    rate_told: tuple[str, list[DateMention]] | None = None
    if rate is None and (stated := _RATE_STATED.match(sentence.next_text)) is not None:
        # "… will attract a countervailing duty from Tuesday. The rate: 18%, …"
        rates = find_percentages(sentence.next_text)
        if rates and rates[0].start == stated.end():
            rate, rate_note = rates[0], "the rate from the sentence after"
    if rate is None:
        # "… have carried a surtax when they are of Chinese origin. The rate, set by the
        # Department of Finance, is 25 per cent of the customs value."
        for told, dates in sentence.following[:2]:
            if (later_rate := _rate_told_after(told)) is not None:
                rate, rate_note = later_rate, "the rate from a sentence after"
                rate_told = (told, dates)
                break
            if _RARE_EARTH_GOODS.search(told) and re.search(rf"\b{_TARIFF}\b", told, re.I):
                break  # the next sentence tells of another tariff
    if rate is None:
        return []
    # The parties and goods are named before a clause giving the reason: "… in response to US
    # duties on Chinese magnets" names neither who charges nor what is charged.
    reason = _REASON.search(told_with_goods)
    charged = told_with_goods[: reason.start()] if reason else told_with_goods
    origin, acting = _tariff_parties(charged)
    # "The White House concluded its review. A proclamation imposes …": the one acting may be
    # named only in the sentence before.
    if acting == origin:
        acting = None  # "… imported from China, after … found that Chinese producers had …"
    jurisdiction = (
        acting
        or label_country(sentence)
        or european_union(text)
        or commission_of_the_union(text, reading.article.text)
        or _tariff_parties(sentence.previous_text)[1]
        or european_union(sentence.previous_text)
        or jurisdiction_named(reading.article.title or "")
    )
    if jurisdiction == origin:
        # "… magnets originating in China" in a notice on imports "into the United Kingdom":
        # the country the text named before, other than the goods' origin.
        jurisdiction = next(
            (
                code
                for earlier in reversed(sentence.earlier)
                for _start, _end, code in jurisdiction_mentions(earlier.text)
                if code != origin
            ),
            None,
        )
    if jurisdiction is None or jurisdiction == origin:
        return []
    # "Rare-earth metals and alloys from China, the feedstock that magnet makers melt, …": a
    # phrase describing the goods names no stage of its own.
    stages = stages_named(re.sub(r",\s+(?:the|a|an|which|that)\b[^,]*,", ",", charged))
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
    if rate_note:
        draft.notes.append(rate_note)
    effective = (
        (
            _tariff_effective(rate_told[0], rate_told[1], rate)
            if rate_told
            else _tariff_effective(text, sentence.dates, rate)
        )
        or _same_date_as_before(sentence)
        or effective_date(sentence, reading, draft)
    )
    if effective is None:
        return []
    draft.fields["effective_from"] = effective.isoformat()
    return [draft]


def _same_date_as_before(sentence: Sentence) -> date | None:
    """ "… from the same date": the date the nearest sentence before that gives one gave a
    measure effect from."""
    if not re.search(r"\b(?:from|on|at) the same (?:date|day|time)\b", sentence.text, re.I):
        return None
    for earlier in reversed(sentence.earlier):
        for mention in earlier.dates:
            if EFFECT_MARKER.search(earlier.text[max(0, mention.start - 30) : mention.start]):
                return mention.value
    return None


#: The European Union acting as one: its Commission, its Council, "the EU", "Brussels".
_EUROPEAN_UNION = re.compile(
    r"\b(?:the )?European (?:Union|Commission|Council)\b|\b(?:the )?EU\b(?!-)|\bBrussels\b"
    # The Union's gazette: a measure "in the Official Journal" is the Union's.
    r"|\bOfficial Journal\b"
)


def commission_of_the_union(text: str, article_text: str) -> str | None:
    """ "EU" where "the Commission" acts in an article that names the European Commission."""
    if re.search(r"\b[Tt]he Commission\b", text) and re.search(
        r"\bEuropean Commission\b", article_text
    ):
        return "EU"
    return None


def european_union(text: str) -> str | None:
    """ "EU" where the text has the Union take the measure: a tariff or a price floor."""
    found = _EUROPEAN_UNION.search(text)
    if found is None:
        return None
    if found.group() != "Official Journal" and COUNTRY_AS_OBJECT.search(
        text[max(0, found.start() - 20) : found.start()]
    ):
        return None  # "exports to the EU": the Union is where goods go, not who acts
    return "EU"


def _tariff_rate(sentence: Sentence) -> Quantity | None:
    """The percentage the text gives as the tariff's rate, if any."""
    text = sentence.text
    for pct in sentence.percentages:
        if re.search(
            r"\b(?:pay|face|be charged)\s+an? (?:extra|additional)\s+$", text[: pct.start]
        ):
            return pct  # "Importers of Chinese magnets will pay an extra 14.2 per cent"
        if pct.start == 0 and re.match(
            rf"\s*[-–—:]\s+[^.;%]{{0,40}}?\b{_TARIFF}\b", text[pct.end :], re.I
        ):
            return pct  # "16% - Brazil's import tax on sintered magnets from 1 July"
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
    for start, end, code in jurisdiction_mentions(text):
        if _ENTERING.search(text[max(0, start - 25) : start]):
            acting = code  # "a 15% duty on entry into China"
            continue
        word = text[start:end].lower()
        is_origin = bool(_FROM_ORIGIN.search(text[max(0, start - 20) : start])) or (
            word in _DEMONYMS and bool(_DEMONYM_GOODS.match(text[end:]))
        )
        if is_origin:
            origin = origin or code
        elif word in _DEMONYMS and _DEMONYM_FIRMS.match(text[end:]):
            continue
        elif not COUNTRY_AS_OBJECT.search(text[max(0, start - 20) : start]):
            acting = acting or code
    return origin, acting


#: A date the news was told on, not one the measure applies from.
_TOLD = re.compile(
    r"\b(?:said|says|announced|told \w+|reported|stated|confirmed|disclosed|published|issued)"
    r"\s+(?:late\s+|early\s+)?(?:on\s+)?$",
    re.I,
)


#: A tariff's rate told in a sentence of its own after the goods: "The rate, set by the
#: Department of Finance, is 25 per cent", "The definitive duty is 16.4 per cent",
#: "Notification 38 fixes the duty at 23.8 per cent".
_RATE_TOLD = re.compile(
    rf"(?:^(?:The|Its|This)\s+(?:[\w-]+\s+){{0,2}}?(?:rate|{_TARIFF})\b[^%;]{{0,100}}?"
    r"\b(?:is|will be|was|stands at|was set at|is set at)\s+"
    rf"|\b(?:fix\w*|sets?|setting)\s+the\s+(?:[\w-]+\s+)?(?:rate|{_TARIFF})\s+at\s+)$",
    re.I,
)


def _rate_told_after(text: str) -> Quantity | None:
    rates = find_percentages(text)
    if rates and _RATE_TOLD.search(text[: rates[0].start]):
        return rates[0]
    return None


def _tariff_effective(text: str, dates: list[DateMention], rate: Quantity) -> date | None:
    """A date the rate applies from, written after the rate ("… to 25% on January 1, 2026"); it
    may lie after the article's date, as a tariff is often announced ahead."""
    for mention in dates:
        if mention.start < rate.end:
            continue
        lead = text[max(0, mention.start - 30) : mention.start]
        if _TOLD.search(lead):
            continue  # "…, the finance ministry said on Friday": the day of the report
        if text.startswith(("on ", "On "), mention.start) or re.search(
            r"\b(?:on|from|effective|starting|as of|beginning|with effect from|in force from"
            r"|(?:takes|take|will take|took) effect(?: on)?)\s+$",
            lead,
            re.I,
        ):
            return mention.value
    return None
