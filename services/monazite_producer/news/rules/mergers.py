"""Mergers completed. Pure."""

from __future__ import annotations

import re
from dataclasses import replace

from monazite_producer.news.entities import EntityDirectory, Mention
from monazite_producer.news.reading import (
    Draft,
    Reading,
    Sentence,
    consideration,
    consideration_field,
    distinct,
)

#: Words that put the survivor after them: "the absorption of A into B", "A merged into B",
#: "A was absorbed by B", "A will be folded into B".
_SURVIVOR_FOLLOWS = re.compile(
    r"\b(?:into|absorbed by|taken over by|acquired by|merged with and into)\b", re.I
)

#: "B absorbed A", "B has absorbed A": the survivor before the verb (not "was absorbed").
_ABSORBS = re.compile(
    r"(?<!\bwas )(?<!\bbeen )(?<!\bbe )\b(?:absorb(?:s|ed|ing)?|fold(?:s|ed|ing)? in)\b"
    r"(?! by| into)",
    re.I,
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


#: "USA Rare Earth is part of Lynas", "has become part of": the absorbed side, then the survivor.
_PART_OF = re.compile(r"\b(?:is|are|became|has become|is now|now forms?)\s+(?:now\s+)?part of\b")

#: A merger said to be done, in the sentence or the one after: "The merger is done."
_MERGER_DONE = re.compile(
    r"\bmerger\b[^.;]{0,30}\b(?:is|was|has been)\s+(?:now\s+)?(?:done|complete|completed"
    r"|closed|effective)\b",
    re.I,
)


def merger_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    text = sentence.text
    part_of = _PART_OF.search(text)
    if part_of is not None and any(
        _MERGER_DONE.search(told) for told in (text, sentence.next_text)
    ):
        return _part_of_survivor(sentence, part_of)
    if not re.search(r"\b(?:merg\w*|absor\w*|amalgamat\w*|fold(?:s|ed|ing)? in)\b", text, re.I):
        return []
    mentions = distinct(sentence.mentions)
    company = _THE_COMPANY.search(text)
    if len(mentions) == 1 and company is not None and sentence.issuer is not None:
        # A filing's "Niron merged with and into the Company": the Company is its issuer.
        issuer = Mention(sentence.issuer.entity_id, company.group(), company.start(), company.end())
        sentence = replace(
            sentence, mentions=sorted([*sentence.mentions, issuer], key=lambda m: m.start)
        )
        mentions = distinct(sentence.mentions)
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
        r"\b(?:complet\w*|finali[sz]\w*|finish\w*|closed|closes|absorbed|merged|became part"
        r"|implemented"
        r"|ceased to exist|became effective|took effect)\b",
        text,
        re.I,
    ):
        draft.cap(0.4, "the merger is not said to be completed")
    draft.money = consideration(sentence)
    draft.fields["consideration"] = consideration_field(draft.money)
    return [draft]


#: A filing's name for its issuer.
_THE_COMPANY = re.compile(r"\bthe Company\b")


def _part_of_survivor(sentence: Sentence, part_of: re.Match[str]) -> list[Draft]:
    """ "As of today, A is part of B. The merger is done.": B absorbed A."""
    before, after = sentence.before(part_of.start()), sentence.after(part_of.end())
    if not before or not after or before[-1].entity_id == after[0].entity_id:
        return []
    draft = Draft(
        {
            "type": "merger_completed",
            "survivor_id": after[0].entity_id,
            "absorbed_id": before[-1].entity_id,
        }
    )
    draft.parties = [after[0], before[-1]]
    draft.money = consideration(sentence)
    draft.fields["consideration"] = consideration_field(draft.money)
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
    if of_absorbed is not None:
        # "the absorption merger of Northern Jinlong by Jinlong Rare Earth": B absorbed A.
        absorbed_named = next(iter(sentence.after(of_absorbed.end())), None)
        by = (
            re.match(r"\s*by\s+", text[absorbed_named.end :])
            if absorbed_named is not None
            else None
        )
        if absorbed_named is not None and by is not None:
            absorbing = [
                m
                for m in sentence.after(absorbed_named.end)
                if m.start == absorbed_named.end + by.end()
            ]
            if absorbing and absorbing[0].entity_id != absorbed_named.entity_id:
                return absorbing[0], absorbed_named
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
