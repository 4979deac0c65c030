"""Quotas set: mining, separation and export quotas, for a country or one holder. Pure."""

from __future__ import annotations

import re

from monazite_producer.news.quantities import (
    Quantity,
    find_years,
)
from monazite_producer.news.reading import (
    DATELINE,
    EXPORT_ALLOWED,
    PART_OF_TOTAL,
    QUOTA_WORDS,
    REFERRED_CAP,
    Draft,
    Reading,
    Sentence,
    element_group,
    first_stage,
    jurisdiction_named,
    label_country,
    stage_positions,
    without_oxide_unit,
    year_of,
)

#: "X was allocated / given / handed 94,580 tonnes", "X received a quota of …", "X's quota".
_QUOTA_TO = re.compile(
    r"\b(?:allocated|allotted|granted|given|handed|awarded|assigned|received|receives|gets|got"
    r"|obtained|its (?:[\w-]+\s+){0,4}?(?:quotas?|allocations?))\b",
    re.I,
)

#: "The ministry has granted X a mining quota of …": the holder right after the verb.
_GRANTED_TO = re.compile(
    r"\b(?:granted|gave|given|awarded|allotted|allocated|handed|issued)\s+(?:to\s+)?(?:the\s+)?$",
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
    r"|^(?:Its|The company's|The group's) (?:[\w-]+\s+)?(?:allocation|quota|share|indicator)\b"
)


def quota_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    text = sentence.text
    # "The group was also given 37,400 tonnes …" after a sentence about a quota carries it on.
    carried_on = any(QUOTA_WORDS.search(e.text) for e in sentence.earlier[-2:]) and bool(
        re.search(r"\b(?:given|granted|received|allotted|handed)\b", text)
    )
    # "Mining: 148,000 t of REO in the first batch. Smelting and separation: 139,000 t." under
    # a sentence announcing quotas: figures labelled by their stage.
    stage_labelled = _STAGE_LABEL.match(text) is not None and (
        any(QUOTA_WORDS.search(e.text) for e in sentence.earlier[-4:])
        and not any(_PRODUCED_WORDS.search(e.text) for e in sentence.earlier[-2:])
    )
    carried_on = carried_on or stage_labelled
    listed = bool(sentence.lead) and QUOTA_WORDS.search(sentence.lead) is not None
    if not (QUOTA_WORDS.search(text) or carried_on or listed) or not sentence.tonnes:
        return []
    jurisdiction = (
        jurisdiction_named(text)
        or jurisdiction_named(sentence.lead)
        or label_country(sentence)
        or jurisdiction_named(reading.article.title or "")
    )
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
        for y in re.finditer(
            r"\b(?:in|for|during|of)\s+(?:calendar\s+|fiscal\s+)?((?:19|20)\d\d)\b", text
        )
        if not any(0 <= y.start() - c <= 40 for c in compared)
    ]
    period = stated[0] if stated else (None if find_years(text) else year_of(sentence, reading))
    period_note = None
    if period is None:
        period, period_note = _article_year(reading)
    if period is None:
        return []
    # Stages are read with the quota's unit and the dateline ("(Asia Metals Wire)") blanked
    # out, keeping every offset.
    text = without_oxide_unit(text)
    if dateline := DATELINE.match(text):
        text = " " * dateline.end() + text[dateline.end() :]
    export = re.search(EXPORT_ALLOWED, text, re.I) is not None or (
        # "- Export of separated oxides: 2,200 tonnes" in a list of quotas, and its parts
        listed and re.search(r"\bexports?\b", f"{text} {sentence.lead}", re.I) is not None
    )
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
        # "41,800 t of the mining quota: all of the ion-adsorption allowance plus …": what
        # follows a colon or semicolon explains the figure, it does not name its elements.
        explained = re.compile(r"[:;]").search(text, tonnes.end, segment_end)
        described_end = explained.start() if explained else segment_end
        if stage_after:
            stage = first_stage(text[tonnes.end : segment_end])
        else:
            stage = _last_stage(text[segment_start : tonnes.start])
        if stage is None and PART_OF_TOTAL.match(text) and QUOTA_WORDS.search(previous):
            # "Of the total, 600 tonnes is allocated to X": a share of the quota just set.
            stage = _last_stage(without_oxide_unit(previous))
            export = export or re.search(EXPORT_ALLOWED, previous, re.I) is not None
        if stage is None and listed:
            # "- of which allotted to X: 1,400 tonnes" under "- Export of separated oxides"
            stage = _last_stage(without_oxide_unit(sentence.lead))
        if stage is None and export:
            # "no more than 1,200 tonnes of rare-earth oxides may leave": exported oxide is
            # separated product, though it is also the quota's unit.
            stage = first_stage(sentence.text[tonnes.start : segment_end])
        if stage is None:
            continue
        draft = Draft(
            {
                "type": "quota_set",
                "jurisdiction": jurisdiction,
                "quota_kind": "export" if export else "production",
                "element_group": element_group(sentence.text[segment_start:described_end])
                or element_group(sentence.text[:described_end])
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
        if (
            owner
            and (
                _QUOTA_TO.search(text[owner[-1].start : tonnes.start])
                or _OWNERS_QUOTA.match(text[owner[-1].start : tonnes.start])
                # "has granted Vietnam Rare Earth a mining quota of …"
                or _GRANTED_TO.search(text[: owner[-1].start])
                # "- China Rare Earth Group: 42,700 t", an item of a list of allocations
                or (
                    re.fullmatch(r"\s*(?:[-•*–]\s+|\d{1,2}[.)]\s+)?", text[: owner[-1].start])
                    is not None
                    and re.fullmatch(
                        r"\s*(?:\([^)]*\))?[\w\s-]{0,20}:\s*(?:about\s+)?",
                        text[owner[-1].end : tonnes.start],
                    )
                    is not None
                )
            )
        ):
            draft.fields["entity_id"] = owner[-1].entity_id
            draft.parties = [owner[-1]]
        elif given_to:
            draft.fields["entity_id"] = given_to[0].entity_id
            draft.parties = [given_to[0]]
        elif listed and re.match(r"^(?:[-•*–]\s+)?of which\b", text, re.I):
            continue  # a part of the quota above for holders not registered

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
        # "allowed up to 5,000 tonnes" is a quota's ceiling, stated exactly.
        if tonnes.approximate and not re.search(r"\bup to\s*$", text[: tonnes.start]):
            draft.cap(0.65, f"the tonnage is approximate ({tonnes.value} t)")
        if reading.article_date is not None and period < reading.article_date.year - 1:
            draft.cap(0.5, f"a quota for {period}, told for comparison")
        if period_note:
            draft.notes.append(period_note)
        drafts.append(draft)
    return drafts


#: A figure labelled by its stage: "Mining: 148,000 t", "2/7 Smelting and separation: 139,000 t".
_STAGE_LABEL = re.compile(
    r"^(?:\d+/\d+\s+)?(?:Mining|Smelting(?: and separation)?|Separation|Smelting & separation)"
    r"\s*(?:quota\s*)?:\s*(?:about\s+)?\d",
    re.I,
)

#: Output told in the sentences before: stage-labelled figures after them are output, not quotas.
_PRODUCED_WORDS = re.compile(r"\b(?:produced|output|production was|mined)\b", re.I)


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


def _last_stage(text: str) -> str | None:
    positions = stage_positions(text)
    return positions[-1][1] if positions else None


def _stage_follows_tonnage(text: str, tonnages: list[Quantity]) -> bool:
    """Whether the sentence says "135,000 tonnes for mining" rather than "mining quota of
    135,000 tonnes": decided by the first tonnage, which has no stage before it in the first
    form."""
    return bool(tonnages) and _last_stage(text[: tonnages[0].start]) is None
