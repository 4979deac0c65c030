"""Export controls imposed, suspended and lifted, with their elements, stages and dates. Pure."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from monazite_producer.news.entities import KnownControl
from monazite_producer.news.quantities import (
    DateMention,
)
from monazite_producer.news.reading import (
    ELEMENTS,
    REVIEW_CAP,
    STAGE_ORDER,
    Draft,
    Reading,
    Sentence,
    element_group,
    jurisdiction_mentions,
    jurisdiction_named,
    label_country,
    occurred_on,
    other_commodities_named,
    policy_jurisdiction,
    stages_named,
)

#: Goods that may not leave: "No unprocessed ore may leave the Philippines", "not a single
#: tonne is to be exported", "A person shall not export rare earth ore …".
_MAY_NOT_LEAVE = (
    r"\b(?:no|not)\b[^.;]{0,80}?\b(?:may|can|will|shall|is to|are to)(?: not)?"
    r" (?:leave|be exported|be shipped)"
    r"|\b(?:shall|may|must) not export\b"
)

_CONTROL_WORDS = re.compile(
    r"\bexport (?:controls?|licen[cs]\w*|permits?|restrictions?|bans?|curbs?|prohibitions?)"
    r"|\bban\w* (?:the )?export\w*|\bbans? on (?:the )?export\w*"
    r"|\brestrict\w* (?:the )?exports?|\blicen[cs]es? to export"
    r"|\bprohibit\w* (?:the )?export\w*|\bprohibitions? on (?:the )?export\w*"
    r"|\bbar(?:s|red|ring)? (?:the )?export\w*|\bforb(?:id|ids|ade|idding) (?:the )?export\w*"
    r"|\b(?:prohibited|banned|barred|forbidden|restricted) from export\w*"
    r"|\bno longer be exported|\b(?:may|can|will) no longer (?:ship|export|sell|supply|leave)\w*"
    # India's wording: an item's export policy amended from "Free" to "Restricted".
    r"|\bexport policy\b[^.;]{0,200}?\bto\s+[\"“']?(?:Restricted|Prohibited)\b"
    r"|\bexported only (?:under|with|against) (?:an? )?(?:licen|authori[sz]ation|permit)"
    r"|\bexports?\b[^.;]{0,60}?\b(?:shall|will|may) not be (?:permitted|allowed)"
    r"|\brequir\w* (?:all )?(?:exporters|exporting (?:companies|firms)|shippers|traders)\b"
    r"[^.;]{0,120}?"
    r"\b(?:licen[cs]es?|permits?|approval)\b"
    # "Exports of dysprosium … are subject to a licence"
    r"|\b(?:exports?|shipments?)\b[^.;]{0,100}?\b(?:are|is|will be|become) subject to (?:an? )?"
    r"(?:export )?(?:licen[cs]\w*|permits?|approval)"
    rf"|{_MAY_NOT_LEAVE}"
    # "… may be shipped out of Malaysia only under a permit"
    r"|\b(?:may|can) (?:only )?be (?:shipped|exported|sold abroad)\b[^.;]{0,60}?"
    r"\bonly (?:under|with|against)\b[^.;]{0,30}?\b(?:permit|licen[cs]e|approval)"
    r"|\b(?:exporters|shipments|exports|anyone (?:shipping|exporting)|companies (?:shipping"
    r"|exporting))\b[^.;]{0,100}?\b(?:must|need to|needs to|have to|has to"
    r"|are required to|is required to|will need to|will have to)"
    r" (?:hold|obtain|apply for|get|seek|have) (?:a |an )?(?:licen[cs]es?|permits?|approval)\b"
    r"|\b(?:exporters|shipments|exports|anyone (?:shipping|exporting)|companies (?:shipping"
    r"|exporting))\b[^.;]{0,50}?\b(?:need|needs|require|requires|will need"
    r"|will require) (?:a |an )?(?:(?:government|state|official|export) )?(?:licen[cs]es?|permits?"
    r"|permission|approval|authori[sz]ation)\b"
    # "a decree that makes exports of rare-earth oxides … subject to a licence"
    r"|\bmak(?:es|e|ing) exports?\b[^.;]{0,100}?\bsubject to (?:an? )?(?:export )?"
    r"(?:licen[cs]\w*|permits?|approval)"
    r"|\bexports? of [^.;]{1,80}? (?:are|is|were|was|will be|have been|has been) (?:now )?"
    r"(?:banned|prohibited|barred|forbidden|restricted)\b",
    re.I,
)

_BAN = re.compile(
    r"\bban\w*|\bprohibit\w*|\bbarr(?:ed|ing)\b|\bbars? (?:the )?export|\bforb[ia]d\w*"
    r"|no longer be exported|no longer (?:ship|export|sell|supply|leave)"
    rf"|not be (?:permitted|allowed)|{_MAY_NOT_LEAVE}",
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

#: Rare-earth minerals: a control on them is one on rare-earth ore.
_RARE_EARTH_MINERALS = re.compile(
    r"\b(?:monazite|xenotime|bastn[aä]e?site|loparite|ionic clays?|ion-adsorption clays?)\b", re.I
)

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
    r" into (?:force|effect)|now in force|in force from"
    # A measure announced to come: "will ban", "is to prohibit" (published once dated).
    r"|(?:will|shall|is to|are to) (?:ban|prohibit|bar|restrict)|prohibit\w*|forb[ia]d\w*|outlaw\w*"
    r"|barred|bars|may no longer|must|may (?:not )?leave|(?:is|are) (?:not )?to be exported"
    r"|(?:is|are) now required|with effect from|(?:shall|may|must) not export"
    r"|will require|requires)\b",
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


#: A relief for a stated time: "will stop requiring licences for six months".
_TIME_LIMITED = re.compile(
    r"\b(?:stop\w* requiring|no longer requir\w*|lift\w*|waiv\w*)\b[^.;]{0,80}?\bfor"
    r" (?:a|one|two|three|six|nine|twelve|\d+) (?:months?|years?|weeks?)\b",
    re.I,
)


def _exported_from(text: str) -> str | None:
    """The country goods are exported from: "shall not export rare earth ore … from Uganda"."""
    exported = re.search(r"\bexport\w*\b[^.;]{0,100}?\bfrom\s+", text, re.I)
    if exported is None:
        return None
    return next(
        (code for start, _end, code in jurisdiction_mentions(text) if start == exported.end()),
        None,
    )


def export_control_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    text = sentence.text
    control = _CONTROL_WORDS.search(text)
    if control is None:
        # A change to a control may name it loosely when the article is about exports.
        loose = _CONTROL_WITHOUT_EXPORT.search(text)
        about_exports = re.search(
            r"\bexport", f"{reading.article.title}\n{sentence.previous_text}\n{text}", re.I
        )
        named = _announced_control(text, reading.directory.controls) is not None
        if loose is None or not _CHANGE_VERB.search(text) or (about_exports is None and not named):
            return []
        control = loose
    lowered = sentence.lower
    jurisdiction = (
        policy_jurisdiction(text, control.start())
        or jurisdiction_named(reading.article.title or "")
        # A numbered article of an order: the country the order's heading named.
        or (jurisdiction_named(reading.article.text[:300]) if _NUMBERED.match(text) else None)
        or _exported_from(text)
        # "[MW] Malawi. New rule MW-RE-01: an export licence …": a label naming the country.
        or label_country(sentence)
    )
    if jurisdiction is None:
        return []
    if _NOT_REQUIRED.search(text) or _STILL_CHANGED.search(text):
        # "during the suspension exporters will not need a licence", "the October measures
        # remain suspended": no change in this sentence.
        return []
    if (
        re.search(
            r"\b(?:suspend\w*|paus\w*|halt\w*|defer\w*|put on hold|stop\w* enforcing"
            r"|(?:will|to) not enforce)\b",
            lowered,
        )
        or _TIME_LIMITED.search(sentence.text)
        or any(
            re.search(r"^(?:The|This) (?:pause|suspension)\b[^.;]{0,40}?\b(?:until|ends)\b", told)
            for told, _ in sentence.following[:2]
        )
    ):
        # "China will stop requiring licences … The pause runs until the end of February 2028",
        # "… to obtain licences for six months": lifted for a time is suspended
        return _control_change(sentence, reading, jurisdiction, "export_control_suspended")
    if re.search(
        r"\b(?:lift\w*|scrap\w*|revok\w*|rescind\w*|withdr[ae]w\w*|remov\w*|end(?:s|ed)?"
        r"|repeal\w*|abolish\w*|cancel\w*|stop\w* requiring|no longer requir\w*)\b(?!-)",
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
    # A rare-earth mineral ("monazite sand") is rare-earth ore wherever the sentence names it.
    mineral = _RARE_EARTH_MINERALS.search(text)
    group = element_group(text) or ("total_reo" if mineral else None)
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
    stages = stages_named(covered)
    if (_RAW.search(covered) or mineral) and "mining" not in stages:
        stages = sorted({*stages, "mining"}, key=STAGE_ORDER.index)
    stages = (
        stages
        or stages_named(text)
        or _listed_stages(sentence)
        # The follow-up's first clause: "finished magnets are not named" after a semicolon
        # does not add a stage.
        or (stages_named(sentence.next_text.split(";")[0]) if _goes_on_about_it(sentence) else [])
    )
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
    effective = effective_date(sentence, reading, draft)
    draft.fields["effective_from"] = effective.isoformat() if effective else None
    until = _in_force_until(sentence)
    if until is not None and effective is not None and until > effective:
        draft.fields["effective_until"] = until.isoformat()
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
            stages.update(stages_named(text))
    return sorted(stages, key=STAGE_ORDER.index)


def _other_commodity_controls(
    sentence: Sentence, reading: Reading, jurisdiction: str, covered: str
) -> list[Draft]:
    """A control on commodities other than rare earths ("exporters of gallium and germanium
    will need a licence"): one control per commodity, each over the whole commodity, as the
    reference data records them."""
    named_stages = stages_named(covered)
    stages = named_stages or ["separation", "metals"]
    until = _in_force_until(sentence)
    drafts = []
    for commodity in sorted(other_commodities_named(sentence.lower)):
        draft = Draft(
            {
                "type": "export_control_imposed",
                "jurisdiction": jurisdiction,
                "commodity": commodity,
                "elements": [],
                "element_groups": ["all"],
                "stages": stages,
                "restriction": "ban" if _BAN.search(sentence.text) else "licence",
            }
        )
        if not named_stages:
            draft.notes.append("the text names no stage: refined material and metal assumed")
        effective = effective_date(sentence, reading, draft)
        if effective is None:
            return []
        draft.fields["control_id"] = (
            f"news-{jurisdiction.lower()}-{commodity}-{effective.isoformat()}"
        )
        draft.fields["effective_from"] = effective.isoformat()
        if until is not None and until > effective:
            draft.fields["effective_until"] = until.isoformat()
        drafts.append(draft)
    return drafts


EFFECT_MARKER = re.compile(
    r"\b(?:from|effective|starting|as of|takes effect on|with effect from"
    r"|(?:took|takes|take|will take|has taken|have taken) effect|(?:came|comes|come|entered|enters"
    r"|went|goes) into (?:force|effect)|applies from|apply from|in force from"
    r"|ends|will end|expires|lapses|ceases|runs? out|starts on|begins on)\b",
    re.I,
)

#: A sentence that goes on about the measure just reported: "The ban took effect yesterday."
_MEASURE_FOLLOW_UP = re.compile(
    r"^(?:\d+\.\s+)?(?:(?:The|This|These|Those|That|Its)\s+(?:new\s+)?(?:ban|measures?|controls?"
    r"|revocation|removal|lifting"
    r"|restrictions?|rules?|decree|order|notice|suspension|pause|prohibition|curbs?|licen[cs]ing"
    r"|requirements?"
    r"|regime|tariffs?|dut(?:y|ies)|levy|floor|price floor|guaranteed minimum|guarantee|scheme)\b"
    r"|It\b)",
    re.I,
)

#: A notice speaking of itself a few lines on: "3. This Order enters into force on 15 June".
_THE_INSTRUMENT = re.compile(
    r"^\s*(?:\(?\d+[.)]\s+)?(?:This|These|The present) (?:order|decree|announcement|notice"
    r"|regulation|rule|measure|notification|resolution)s?\b"
    # "The arrangement starts on 1 July 2026 and runs for ten years."
    r"|^(?:The|This) (?:arrangement|scheme|programme|program|price support|support)\b",
    re.I,
)


_NO_EFFECTIVE_DATE = (
    "the measure is to apply later, and the text gives no date: the day reported assumed"
)

#: A measure told as one to come ("will charge", "is to require"): it does not apply from the
#: day of the report.
_TO_COME = re.compile(r"\b(?:will|shall|(?:is|are) (?:set )?to|plans? to|intends? to)\b", re.I)


def effective_date(sentence: Sentence, reading: Reading, draft: Draft) -> date | None:
    """When a measure applies from: the date the text gives for it, else the date the sentence
    reports it. A measure told as one to come with no date of its own keeps the day of the
    report but waits for review: its start is given elsewhere, or not yet known."""
    stated = stated_effective_date(sentence, reading)
    if stated is not None:
        return stated
    if _TO_COME.search(sentence.text):
        draft.cap(REVIEW_CAP, _NO_EFFECTIVE_DATE)
    return occurred_on(sentence, reading)


def stated_effective_date(
    sentence: Sentence, reading: Reading, *, imposed: bool = True
) -> date | None:
    """The date a measure applies from, where the text says it, in this order: a date after an
    effect marker in the sentence; for a measure imposed, a date after "since" in a sentence in
    the perfect ("has needed a licence since Monday"); the same in the next sentence when it
    goes on about the measure ("The ban took effect yesterday."); the day a notice says of
    itself that it enters into force, a few lines on ("3. This Order enters into force on …");
    else the day reported, for a measure "with immediate effect"."""
    marker = EFFECT_MARKER.search(sentence.text)
    if marker is not None:
        later = _dates_after(sentence.dates, marker.end())
        if later:
            return later[0].value
    # "Since" dates a measure being imposed; for one being lifted it tells the control's past
    # ("The ban had applied since December 2023").
    since = _in_force_since(sentence.text, sentence.dates) if imposed else None
    if since is not None:
        return since
    if _goes_on_about_it(sentence):
        follow = EFFECT_MARKER.search(sentence.next_text)
        if follow is not None:
            later = _dates_after(sentence.next_dates, follow.end())
            if later:
                return later[0].value
        since = _in_force_since(sentence.next_text, sentence.next_dates) if imposed else None
        if since is not None:
            return since
    told_around = [
        *sentence.following[1:4],
        # "(2) These Regulations shall come into force on the 1st day of January, 2027." in
        # the first regulation, before the one making the ban
        *((e.text, e.dates) for e in sentence.earlier[-8:]),
    ]
    for text, dates in told_around:
        # "3. This Order enters into force on 15 June 2026." after the articles of the order.
        if _THE_INSTRUMENT.match(text) and (marker := EFFECT_MARKER.search(text)) is not None:
            later = _dates_after(dates, marker.end())
            if later:
                return later[0].value
    if _IMMEDIATE.search(sentence.text):
        return occurred_on(sentence, reading)
    return None


#: "has needed a licence since Monday", "the prohibition had applied since 1 September": a
#: measure in force from the date after "since".
_PERFECT = re.compile(r"\b(?:has|have|had)\b", re.I)


def _in_force_since(text: str, dates: Sequence[DateMention]) -> date | None:
    if not _PERFECT.search(text):
        return None
    for mention in dates:
        # "since 1 September" (the date after the word), "since Monday" (the word in the date).
        before = text[max(0, mention.start - 7) : mention.start]
        if re.search(r"\bsince\s+$", before, re.I) or re.match(
            r"since\b", text[mention.start :], re.I
        ):
            return mention.value
    return None


#: Words of a control in a sentence that goes on about one without naming it as such.
_CONTROL_NOUNS = re.compile(
    r"\b(?:licen[cs]\w*|permits?|ban\w*|prohibit\w*|forb[ia]d\w*|requirements?|restrict\w*)", re.I
)


#: The measure referred back to inside a sentence: "… said the prohibition had applied since …".
_THE_MEASURE = re.compile(
    r"\b(?:the|this|that) (?:new )?(?:ban|prohibition|export licen[cs]ing|licen[cs]ing requirement"
    r"|permit requirement|requirement|pause|suspension|revocation)\b",
    re.I,
)


def _goes_on_about_it(sentence: Sentence) -> bool:
    """Whether the next sentence goes on about this sentence's measure: it opens by referring to
    it ("The ban …", "It …"), or names the same element or mineral and a licence or ban
    ("Since Monday, anyone shipping scandium oxide has needed a licence")."""
    following = sentence.next_text
    if _MEASURE_FOLLOW_UP.match(following) or _THE_MEASURE.search(following):
        return True
    if not _CONTROL_NOUNS.search(following):
        return False
    lowered = following.lower()
    named_here = {name for name in ELEMENTS if re.search(rf"\b{name}\b", sentence.lower)}
    named_here |= other_commodities_named(sentence.lower)
    return any(re.search(rf"\b{name}\b", lowered) for name in named_here)


_CHANGE_VERB = re.compile(
    r"\b(?:suspend\w*|paus\w*|halt\w*|defer\w*|put on hold|lift\w*|scrap\w*|revok\w*"
    r"|rescind\w*|withdr[ae]w\w*|remov\w*|end(?:s|ed)?|repeal\w*|abolish\w*|cancel\w*)\b",
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
        return stated_effective_date(own, reading, imposed=False) or occurred_on(own, reading)
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
    describing, _others = _control_dates(sentence)
    announced = _announced_control(sentence.text, known)
    described_days = {d.value for d in describing if d.precision == "day"}
    chosen = (
        announced
        or next((c for c in known if described_days & {c.effective_from, c.announced}), None)
        or _control_named(lowered, known)
    )
    if chosen is None and _REFERS_BACK.search(sentence.text):
        # "When their suspension runs out, the measures will be repealed": the control the
        # sentence before named.
        chosen = _control_named(sentence.previous_text.lower(), known)
    note = None
    if chosen is None and _TECHNOLOGY.search(lowered.replace("science and technology", "")):
        # Know-how named with no element, day or month: the control on rare-earth technology.
        chosen = next((c for c in known if c.commodity == "rare_earth_technology"), None)
    if chosen is None:
        chosen = max(known, key=lambda c: c.effective_from)
        note = f"the control is not named: the latest recorded one ({chosen.control_id}) assumed"
    # Controls on other commodities are named by their commodity: "the licences for gallium and
    # germanium" changes both.
    commodities = other_commodities_named(lowered)
    by_commodity = [c for c in known if c.commodity in commodities]
    changed = by_commodity or [chosen]
    if by_commodity:
        note = None
    effective = _change_effective(sentence, reading)
    if effective is None:
        return []
    # Dated by the change, not by the day the control it changes was made.
    immediate = _IMMEDIATE.search(sentence.text) is not None
    occurred = effective if immediate else occurred_on(replace(sentence, dates=_others), reading)
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


#: "until 30 June 2026", "runs to the end of June", "for a year, to 10 November 2026".
_UNTIL = re.compile(
    r"\b(?:until|till|through|to the end of|runs to|lasts to|expir\w* on|ends on)\b", re.I
)


#: A numbered article or item of a notice: "1. Exports of …".
_NUMBERED = re.compile(r"^\s*(?:\(?\d+[.)]|Article \d+)\s")

#: A notice by its number: "Announcement No. 18 of 2025", "MOFCOM Announcement No. 18 [2025]".
_ANNOUNCEMENT = re.compile(
    r"\bannouncement\s+no\.?\s*(?P<number>\d+)\s*(?:of\s+|\[\s*|\(\s*)(?P<year>(?:19|20)\d\d)", re.I
)


#: A control referred to, not named: "the measures", "their suspension".
_REFERS_BACK = re.compile(
    r"\b(?:the|these|those|their|its) (?:\w+[- ])?(?:measures|controls|curbs|restrictions"
    r"|suspension|licen[cs]ing)\b|\b(?:they|their)\b",
    re.I,
)


def _control_named(lowered: str, known: Sequence[KnownControl]) -> KnownControl | None:
    """The latest registered control that lower-cased text names by one of its elements, by the
    month it was made ("the October measures") or by how many elements it covers."""
    month_names = re.findall(_NAMED_BY_MONTH, lowered) + re.findall(_MADE_IN_MONTH, lowered)
    mentioned = {symbol for name, symbol in ELEMENTS.items() if re.search(rf"\b{name}\b", lowered)}
    counted = re.search(_COUNTED_ELEMENTS, lowered)
    for control in sorted(known, key=lambda c: c.effective_from, reverse=True):
        if mentioned and mentioned & set(control.elements):
            return control
        if month_names and month_names[0] == control.effective_from.strftime("%B").lower():
            return control
        if counted and _NUMBER_WORDS.get(counted.group(1)) == len(control.elements):
            return control
    return None


def _announced_control(text: str, known: Sequence[KnownControl]) -> KnownControl | None:
    """The registered control a notice's number names (its id ends in "-YEAR-NUMBER")."""
    for match in _ANNOUNCEMENT.finditer(text):
        suffix = f"-{match['year']}-{match['number']}"
        found = next((c for c in known if c.control_id.endswith(suffix)), None)
        if found is not None:
            return found
    return None


def _dates_after(dates: Sequence[DateMention], end: int) -> list[DateMention]:
    """The dates told after a word ending at `end`; a date may hold the word before it ("from
    Sunday", "on November 30")."""
    return [d for d in dates if d.end > end]


def _in_force_until(sentence: Sentence) -> date | None:
    """The last day of a measure imposed for a time: "banned exports from Sunday until 21 June"."""
    until = _UNTIL.search(sentence.text)
    if until is None:
        return None
    ends = [d for d in _dates_after(sentence.dates, until.end()) if d.precision == "day"]
    return ends[0].value if ends else None


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
        ends = (
            [d for d in _dates_after(dates, until.end()) if d.precision in ("day", "month")]
            if until
            else []
        )
        if ends:
            return ends[0].value
        # "suspended from 16 March 2026 to 15 March 2027": the second of two dates joined by "to".
        for first, second in itertools.pairwise(dates):
            if re.fullmatch(r"\s*(?:to|-|–|—)\s*", text[first.end : second.start]):
                return second.value
    return None
