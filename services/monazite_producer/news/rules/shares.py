"""Shares of world supply: "China accounted for 92% of the world's refined rare earths in 2023",
"Malaysia's share of global separation was 5%", "70% of world mine output came from China".
Each is an `output_reported` figure of measure `share`, the way sources that give no tonnes
describe a stage's concentration. Pure.
"""

from __future__ import annotations

import re

from monazite_producer.news.entities import Mention
from monazite_producer.news.quantities import Quantity, find_years
from monazite_producer.news.reading import (
    REVIEW_CAP,
    Draft,
    Reading,
    Sentence,
    element_group,
    jurisdiction_mentions,
    other_commodities_named,
    stages_named,
    without_oxide_unit,
)

_WORLD = r"(?:the\s+)?(?:world(?:'s|’s)?|global|worldwide)"

#: "92% of the world's refined rare earths", "70 per cent of global mine output".
_OF_THE_WORLD = re.compile(rf"^\s*(?:share\s+)?of\s+{_WORLD}\s+(?P<what>[^;.,]{{0,80}})", re.I)

#: "China's share of world mine output was 70%": what the share is of, before the figure.
_SHARE_OF_THE_WORLD = re.compile(
    rf"['’]s\s+share\s+of\s+{_WORLD}\s+(?P<what>[^;%]{{0,80}}?)\s*(?:,[^,;]{{0,40}},\s*)?"
    r"\b(?:is|was|stood at|stands at|reached|rose to|fell to|came to|of|at)\s+"
    r"(?:about |around |roughly |nearly |almost |some |more than |over |close to )?$",
    re.I,
)

#: A verb saying the supplier produced the share: "accounted for", "refines", "mined".
_SUPPLIED = re.compile(
    r"\b(?:accounts? for|accounted for|produc\w*|mine[sd]?|refine[sd]?|process(?:es|ed)?"
    r"|separate[sd]?|suppl(?:y|ies|ied)|makes?|made|controls?|controlled|holds?|held|ha[sd]"
    r"|(?:is|was) responsible for|represent\w*|contribut\w*|amount(?:s|ed)? to|equall?ed"
    # "… was a distant second with 6 per cent of global supply"
    r"|with)\b[^;,]{0,25}$",
    re.I,
)

#: "giving the country 7% of …", "leaving Lynas with 12% of …": the supplier as an object.
_GIVING = re.compile(
    r"\b(?:giving|gives|gave|leaving|leaves|left)\s+(?P<who>[^,;]{1,40}?)\s+(?:with\s+)?"
    r"(?:about |around |roughly |nearly |almost |some |more than |over )?$",
    re.I,
)

#: A share told right after the tonnage it is a share of: "… 13,000 tonnes in 2026, or roughly".
_AFTER_A_TONNAGE = re.compile(
    r"\b\d[\d,.]*\s*(?:million\s+)?(?:tonnes|tons|t)\b[^;%]{0,60}?,\s*(?:or\s+|some\s+)?"
    r"(?:about |around |roughly |nearly |almost |some |more than |over |close to )?$",
    re.I,
)

#: "… came from China", "… was refined in China": the supplier after the share.
_CAME_FROM = re.compile(
    r"\b(?:came|comes|come|originated|originates) (?:from|in)\s+"
    r"|\b(?:was|were|is|are) (?:produced|mined|refined|made|processed|separated) in\s+",
    re.I,
)

#: A share of something other than supply: demand, trade, reserves, or a company described by
#: its rank ("9% of the world's largest producer").
_NOT_SUPPLY = re.compile(
    r"^\s*(?:largest|biggest|leading|top|second|third|main|major)\b|\b(?:demand|consumption"
    r"|imports?|exports?|reserves?|resources?|deposits?|trade|sales|revenue|market value"
    r"|patents?|purchases?|buyers?|capital|shares?|investment)\b",
    re.I,
)

#: A share to come, or one aimed at.
_PROJECTED = re.compile(
    r"\b(?:will|would|could|expected|forecasts?|projected|projection|targets?|aims?|goal"
    r"|by (?:19|20)\d\d)\b",
    re.I,
)

#: Several suppliers' combined share: "China, Malaysia and Australia together …".
_COMBINED = re.compile(r"\b(?:together|combined|between them|jointly)\b|\b(?:and|&)\s+$", re.I)

#: A year told against the article's: "last year".
_LAST_YEAR = re.compile(r"\blast year\b", re.I)
#: A share of world supply, for a sentence that carries on from it.
_A_SHARE = re.compile(rf"(?:%|per ?cent|percent)\s+of\s+{_WORLD}\b", re.I)
#: "the country": the one the text named before.
_THE_COUNTRY = re.compile(r"\b(?:the|The) country\b")


def share_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    drafts = []
    told: tuple[str, str] | None = None
    for share in sentence.percentages:
        found = _share_of_world(sentence, share)
        if found is None and told is not None:
            # "China's share of world mine production fell to 61% in 2027, with Australia at
            # 9%": the next supplier's share of the same.
            found = _next_supplier(sentence, share, *told)
        if found is None and told is None and _A_SHARE.search(sentence.previous_text):
            # "China was responsible for 88% of the world's separated oxide in 2027. Malaysia
            # held 5.1%.": the next supplier's share of what the sentence before measured.
            found = _supplier_carrying_on(sentence, share)
        if found is None:
            continue
        told = (found[1], found[2])
        supplier, what, verb = found
        draft = _share_draft(sentence, reading, share, supplier, what, verb)
        if draft is not None:
            drafts.append(draft)
    return drafts


def _share_of_world(
    sentence: Sentence, share: Quantity
) -> tuple[tuple[str | None, Mention | None], str, str] | None:
    """The supplier (a country code, or a company) whose share of world supply `share` is, the
    words saying what it is a share of, and the verb saying how it supplied it ("refined")."""
    text = sentence.text
    before, after = text[: share.start], text[share.end :]
    of_world = _OF_THE_WORLD.match(after)
    if of_world is not None:
        what = of_world.group("what")
        verb = _SUPPLIED.search(before)
        supplier = _supplier_before(sentence, verb.start()) if verb is not None else None
        if verb is not None and supplier is not None:
            return supplier, what, verb.group()
        giving = _GIVING.search(before)
        if giving is not None:
            # "… separated 12,400 t, giving the country 7% of world refined output"
            given = _given_supplier(sentence, giving)
            if given is not None:
                return given, what, ""
        told_after = _AFTER_A_TONNAGE.search(before)
        if told_after is not None:
            # "China's separation output reached 254,000 tonnes in 2026, 90% of the world's
            # separated supply": the share the tonnage just told makes, so its producer's.
            supplier = _supplier_before(sentence, told_after.start())
            if supplier is not None:
                return supplier, what, before[max(0, told_after.start() - 60) : told_after.start()]
        came_from = _CAME_FROM.search(what)
        if came_from is not None:
            supplier = _supplier_at(sentence, share.end + of_world.start("what") + came_from.end())
            return (supplier, what[: came_from.start()], came_from.group()) if supplier else None
        return None
    share_of = _SHARE_OF_THE_WORLD.search(before)
    if share_of is not None:
        supplier = _supplier_before(sentence, share_of.start(), possessive=True)
        return (supplier, share_of.group("what"), "") if supplier else None
    return None


#: "…, with Australia at 9%", "…, and Malaysia 5%": another supplier's share of the same.
_WITH_AT = re.compile(
    r"(?:,\s*with|;|,\s*and|,\s*while)\s+(?P<who>[A-Z][\w .'’-]{1,40}?)\s+(?:at|on|with)\s+"
    r"(?:about |around |roughly |nearly |almost |some )?$"
)


def _next_supplier(
    sentence: Sentence, share: Quantity, what: str, verb: str
) -> tuple[tuple[str | None, Mention | None], str, str] | None:
    with_at = _WITH_AT.search(sentence.text[: share.start])
    supplier = _given_supplier(sentence, with_at) if with_at is not None else None
    return (supplier, what, verb) if supplier is not None else None


#: "Malaysia, which in practice means Lynas's plant, held 5.1%": a supplier opening the sentence
#: and the share it had, with no word of what it is a share of.
_HELD_A_SHARE = re.compile(
    r"^(?:[-•*–]\s+)?(?P<who>[A-Z][\w .'’-]{1,30}?)(?:,[^,;%]{1,80},)?\s+(?:held|had|took|managed"
    r"|accounted for|was at|came in at)\s+(?:about |around |roughly |nearly |almost |some )?$"
)


def _supplier_carrying_on(
    sentence: Sentence, share: Quantity
) -> tuple[tuple[str | None, Mention | None], str, str] | None:
    held = _HELD_A_SHARE.match(sentence.text[: share.start])
    if held is None or re.match(r"\s+of\b", sentence.text[share.end :]):
        return None
    countries = [c for c in jurisdiction_mentions(held["who"]) if c[0] == 0]
    if len(countries) != 1:
        return None
    # What the share is of comes from the sentence before.
    before = _A_SHARE.search(sentence.previous_text)
    what = sentence.previous_text[before.end() : before.end() + 80] if before else ""
    return (countries[0][2], None), what, ""


def _supplier_before(
    sentence: Sentence, position: int, *, possessive: bool = False
) -> tuple[str | None, Mention | None] | None:
    """The one country or company that is the subject just before `position`, in its clause."""
    text = sentence.text
    clause_start = max(text.rfind(";", 0, position), text.rfind(":", 0, position)) + 1
    region = text[clause_start:position]
    if _COMBINED.search(region):
        return None
    countries = [
        (start + clause_start, end + clause_start, code)
        for start, end, code in jurisdiction_mentions(region)
    ]
    companies = [m for m in sentence.mentions if clause_start <= m.start and m.end <= position]
    if possessive:
        countries = [c for c in countries if c[1] == position]
        companies = [m for m in companies if m.end == position]
    if not countries and not companies and _THE_COUNTRY.search(region):
        # "In 2025 the country accounted for 69 per cent …": the country named just before.
        codes = {code for _start, _end, code in jurisdiction_mentions(sentence.previous_text)}
        if len(codes) == 1:
            return codes.pop(), None
    if len(countries) == 1 and companies and countries[0][0] < companies[0].start:
        # "Malaysia, home to Lynas's Kuantan plant, was a distant second with 6 per cent of
        # global supply": the country that opens the clause, not a company describing it.
        companies = []
    if len(countries) + len(companies) != 1:
        return None
    if countries:
        return countries[0][2], None
    return None, companies[0]


def _given_supplier(
    sentence: Sentence, giving: re.Match[str]
) -> tuple[str | None, Mention | None] | None:
    """Who is given the share: a country or company named as the object, or "the country" /
    "it" for the one country the sentence names before."""
    start, end = giving.span("who")
    named = [c for c in jurisdiction_mentions(sentence.text) if start <= c[0] < end]
    if named:
        return named[0][2], None
    companies = [m for m in sentence.mentions if start <= m.start < end]
    if companies:
        return None, companies[0]
    if not re.fullmatch(r"(?:the country|it)", giving["who"], re.I):
        return None
    codes = {
        code for c_start, _end, code in jurisdiction_mentions(sentence.text) if c_start < start
    }
    return (codes.pop(), None) if len(codes) == 1 else None


def _supplier_at(sentence: Sentence, position: int) -> tuple[str | None, Mention | None] | None:
    """The country or company named at `position`: "… came from China"."""
    countries = [c for c in jurisdiction_mentions(sentence.text) if c[0] == position]
    if countries:
        return countries[0][2], None
    companies = [m for m in sentence.mentions if m.start == position]
    return (None, companies[0]) if companies else None


def _share_draft(
    sentence: Sentence,
    reading: Reading,
    share: Quantity,
    supplier: tuple[str | None, Mention | None],
    what: str,
    verb: str,
) -> Draft | None:
    if _NOT_SUPPLY.search(what) or other_commodities_named(what.lower()):
        return None
    country, company = supplier
    stages = stages_named(what) or stages_named(verb)
    # "China accounted for 91% of separated output in 2025. Malaysia was second with 6% of
    # global supply.": a share told after another carries its stage and year.
    before = sentence.previous_text if _A_SHARE.search(sentence.previous_text) else ""
    if not stages and before:
        stages = stages_named(before)
    if not stages:
        # "At the mine, Australia's 24.3kt … amounted to 5.6% of world supply": the one stage
        # the words before the share name.
        named = stages_named(without_oxide_unit(sentence.text[: share.start]))
        stages = named if len(named) == 1 else []
    magnets = stages == ["magnets"]
    group = element_group(what) or ("ndfeb" if magnets else "total_reo")
    draft = Draft(
        {
            "type": "output_reported",
            "country": country,
            "entity_id": company.entity_id if company else None,
            "commodity": "rare_earths",
            "element_group": group,
            "stage": stages[0] if len(stages) == 1 else "mining",
            "measure": "share",
            "share_pct": str(share.value),
        }
    )
    if company is not None:
        draft.parties = [company]
    if len(stages) != 1:
        draft.cap(REVIEW_CAP, "the text names no single stage for the share: mining assumed")
    # The share's own year ("… in 2023" after it), else the sentence's, else the share's before.
    years = [
        *find_years(sentence.text[share.end :]),
        *find_years(sentence.text),
        *find_years(before),
    ]
    if years:
        draft.fields["period"] = years[0]
    elif _LAST_YEAR.search(sentence.text) and reading.article_date is not None:
        draft.fields["period"] = reading.article_date.year - 1
    elif reading.article_date is not None:
        draft.fields["period"] = reading.article_date.year
        draft.cap(REVIEW_CAP, "the share is given for no year: the article's year assumed")
    else:
        return None
    if share.approximate:
        draft.cap(REVIEW_CAP, f"the share is approximate ({share.value}%)")
    projected = _PROJECTED.search(sentence.text)
    if projected is not None:
        draft.cap(0.4, f"a share to come ({projected.group()!r}), not one reported")
    return draft
