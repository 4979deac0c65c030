"""Names in text resolved to registered entities, and organisations not known yet proposed.

A name matches an entity when it equals the entity's name or one of its aliases once both are
normalised: case and punctuation ignored, "U.S." read as "US", legal and group suffixes
("Co., Ltd.", "(Group)", "High-Tech", "Inc.", "Corp.") dropped. So "China Northern Rare Earth
(Group) High-Tech Co., Ltd.", "Northern Rare Earth" and "northern rare-earth" are one entity. Short
upper-case aliases (tickers such as "MP" or "CNRE") must match case too, so that they are not read
into ordinary words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from monazite_core.events import (
    EntityRegistered,
    EventRetracted,
    ExportControlImposed,
    InputEvent,
    StakeChanged,
)
from monazite_producer.news.country_names import country_mentions

_LEGAL_WORDS = frozenset(
    "co ltd limited corp corporation inc incorporated plc llc company group holding holdings"
    " the sa ag gmbh nv pty high tech hightech".split()
)
#: Organisation words: a run of capitalised words ending in one of these names a company.
_ORGANISATION_ENDINGS = (
    "Ltd",
    "Limited",
    "Inc",
    "Corp",
    "Corporation",
    "Group",
    "Holdings",
    "Resources",
    "Minerals",
    "Metals",
    "Materials",
    "Mining",
    "Rare Earths",
    "Rare Earth",
    "Magnetics",
    "Magnets",
    "Technologies",
    "Industries",
    "PLC",
    "AG",
    "GmbH",
    "LLC",
    "OÜ",
    "Works",
)
_CAPITALISED = r"(?:[A-Z][A-Za-z0-9&'\-]*|of|and|&)"
_ENDING = rf"(?:{'|'.join(re.escape(e) for e in _ORGANISATION_ENDINGS)})"
#: The name runs to its last organisation word: "Palmetto Rare Earth Metals", not "Palmetto Rare
#: Earth".
_ORGANISATION = re.compile(
    rf"\b(?P<name>[A-Z][A-Za-z0-9&'\-]*(?:\s+{_CAPITALISED}){{0,5}}?\s+{_ENDING}"
    rf"(?:\s+{_ENDING}\b)*)\b\.?"
)
#: Leading words that are not part of a company's name ("Australian miner Arafura Resources").
_NOT_NAME_WORDS = frozenset(
    "The A An Australian American Chinese Canadian British German Japanese US Shares Sydney"
    " Perth London Toronto Beijing Shanghai Miner Producer Group".split()
)

#: Demonyms and places that tell an organisation's country.
COUNTRY_WORDS: Mapping[str, str] = {
    "china": "CN",
    "chinese": "CN",
    "beijing": "CN",
    "shanghai-listed": "CN",
    "shenzhen-listed": "CN",
    "australia": "AU",
    "australian": "AU",
    "asx": "AU",
    "perth-based": "AU",
    "sydney-based": "AU",
    "united states": "US",
    "us": "US",
    "u.s.": "US",
    "american": "US",
    "nasdaq": "US",
    "nyse": "US",
    "canada": "CA",
    "canadian": "CA",
    "tsx": "CA",
    "toronto-listed": "CA",
    "japan": "JP",
    "japanese": "JP",
    "germany": "DE",
    "german": "DE",
    "british": "GB",
    "uk": "GB",
    "london-listed": "GB",
    "france": "FR",
    "french": "FR",
    "estonia": "EE",
    "estonian": "EE",
    "malaysia": "MY",
    "malaysian": "MY",
    "vietnam": "VN",
    "vietnamese": "VN",
    "brazil": "BR",
    "brazilian": "BR",
    "tanzania": "TZ",
    "greenland": "GL",
    "india": "IN",
    "indian": "IN",
    "korea": "KR",
    "korean": "KR",
}


def normalise(name: str) -> str:
    """The form names are compared in: lower case, words only, legal suffixes dropped."""
    lowered = name.lower().replace("u.s.", "us").replace("&", " and ")
    words = re.findall(r"[a-z0-9]+", lowered)
    text = " ".join(words).replace("united states", "us")
    return " ".join(w for w in text.split() if w not in _LEGAL_WORDS)


@dataclass(frozen=True, slots=True)
class KnownEntity:
    entity_id: str
    name: str
    country: str
    kind: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A name in a sentence: resolved to `entity_id`, or (when `proposed`) a new organisation."""

    entity_id: str
    surface: str
    start: int
    end: int
    proposed: bool = False
    country: str | None = None


#: Everyday names of registered entities that their registrations do not list (used only when the
#: entity is registered).
COMMON_NAMES: Mapping[str, str] = {
    "Pentagon": "us_dod",
    "Department of Defense": "us_dod",
    "Defense Department": "us_dod",
    "US Department of Defense": "us_dod",
    "Defense Logistics Agency": "us_dod",
    "Department of War": "us_dod",
    "Office of Strategic Capital": "us_dod",
    "Australian government": "au_government",
    "government of Australia": "au_government",
    "Canberra": "au_government",
    "the Commonwealth": "au_government",
    "US government": "us_government",
    "Baotou Steel": "baogang",
    "Baogang": "baogang",
    "China Northern Rare Earth": "cnre",
    "China Rare Earth Group": "creg",
    "Shenghe Resources": "shenghe",
    "Peak Rare Earths": "peak",
    "Lynas": "lynas",
    "Iluka": "iluka",
    "Neo Performance": "neo",
    "Neo": "neo",
    "eVAC": "evac",
    "Sumter": "evac",
    "Kuantan": "lynas",
    "VAC": "evac",
    "Fujian Jinlong": "fujian_jinlong",
    "Jinlong": "fujian_jinlong",
    "Energy Transition Minerals": "etm",
    "USA Rare Earth": "usar",
}


@dataclass(frozen=True, slots=True)
class KnownControl:
    control_id: str
    jurisdiction: str
    effective_from: date
    elements: tuple[str, ...]
    #: The day the control was announced, when it differs from the day it applies from.
    announced: date | None = None
    commodity: str = "rare_earths"


@dataclass
class EntityDirectory:
    """Registered entities by normalised name, and who controls whom as far as is recorded."""

    entities: dict[str, KnownEntity] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    exact_case: dict[str, str] = field(default_factory=dict)
    #: target id → holder id of a recorded controlling stake.
    controllers: dict[str, str] = field(default_factory=dict)
    #: export controls on record, for suspensions and liftings that name them loosely.
    controls: list[KnownControl] = field(default_factory=list)

    def register(
        self, entity_id: str, name: str, aliases: Iterable[str], country: str, kind: str
    ) -> None:
        self.entities[entity_id] = KnownEntity(entity_id, name, country, kind)
        # "State-owned Assets Supervision and Administration Commission of the State Council"
        # is as often written without the body it reports to.
        head = name.split(" of the ", 1)[0]
        shortened = [head] if head != name and len(head.split()) >= 3 else []
        for spelling in (name, *aliases, *shortened):
            if len(spelling) <= 4 and spelling.upper() == spelling:
                self.exact_case[spelling] = entity_id
                continue
            key = normalise(spelling)
            if key:
                self.names.setdefault(key, entity_id)

    @classmethod
    def from_events(cls, events: Iterable[InputEvent]) -> EntityDirectory:
        """Entities and recorded control from input events (reference data or the archive)."""
        directory = cls()
        retracted = set()
        stakes: list[StakeChanged] = []
        for event in events:
            if isinstance(event, EntityRegistered):
                directory.register(
                    event.entity_id, event.name, event.aliases, event.country, event.kind
                )
            elif isinstance(event, StakeChanged):
                stakes.append(event)
            elif isinstance(event, EventRetracted):
                retracted.add(event.retracted_event_id)
            elif isinstance(event, ExportControlImposed):
                directory.controls.append(
                    KnownControl(
                        event.control_id,
                        event.jurisdiction,
                        event.effective_from,
                        event.elements,
                        announced=event.occurred_at.date(),
                        commodity=event.commodity,
                    )
                )
        for spelling, entity_id in COMMON_NAMES.items():
            known = directory.entities.get(entity_id)
            if known is not None and normalise(spelling) not in directory.names:
                directory.names[normalise(spelling)] = entity_id
        for stake in sorted(stakes, key=lambda s: s.ordering_key()):
            if stake.event_id in retracted:
                continue
            controls = stake.controlling is True or (
                stake.controlling is None and stake.pct_after is not None and stake.pct_after > 50
            )
            if controls:
                directory.controllers[stake.target_id] = stake.holder_id
            elif directory.controllers.get(stake.target_id) == stake.holder_id:
                del directory.controllers[stake.target_id]
        return directory

    def resolve(self, name: str) -> str | None:
        """The registered entity `name` denotes, if any."""
        return self.exact_case.get(name) or self.names.get(normalise(name))

    def name_of(self, entity_id: str) -> str:
        known = self.entities.get(entity_id)
        return known.name if known else entity_id

    def mentions(self, sentence: str) -> list[Mention]:
        """Every organisation named in `sentence`, left to right, known ones resolved."""
        tokens = [
            (m.group(), m.start(), m.end()) for m in re.finditer(r"[A-Za-z0-9][\w.&'$-]*", sentence)
        ]
        found: list[Mention] = []
        index = 0
        while index < len(tokens):
            match = self._longest_known(sentence, tokens, index)
            if match is None:
                index += 1
                continue
            mention, next_index = match
            found.append(mention)
            index = next_index
        found.extend(self._proposed(sentence, found))
        found.sort(key=lambda m: m.start)
        return found

    def _longest_known(
        self, sentence: str, tokens: list[tuple[str, int, int]], index: int
    ) -> tuple[Mention, int] | None:
        best: tuple[Mention, int] | None = None
        for width in range(1, min(10, len(tokens) - index) + 1):
            first, last = tokens[index], tokens[index + width - 1]
            gap = sentence[tokens[index + width - 2][2] : last[1]] if width > 1 else ""
            if last[0] == "the" or re.search(r"[\"“”]", gap):
                break  # 'X Co., Ltd. (the "Company")': a defined term follows, not more name
            surface = sentence[first[1] : last[2]].rstrip(".,")
            if width == 1 and surface.rstrip("'s") in self.exact_case:
                entity_id = self.exact_case[surface.rstrip("'s")]
                best = (Mention(entity_id, surface, first[1], first[1] + len(surface)), index + 1)
                continue
            key = normalise(surface.removesuffix("'s"))
            trailing_filler = normalise(last[0]) == "" and not _is_legal_suffix(last[0])
            if not key or normalise(first[0]) == "" or trailing_filler:
                continue
            resolved = self.names.get(key)
            if resolved is not None:
                entity_id = resolved
                end = index + width
                # Swallow trailing legal words ("Co., Ltd.") into the mention.
                while end < len(tokens) and _is_legal_suffix(tokens[end][0]):
                    end += 1
                tail = tokens[end - 1]
                span_end = tail[2] if end > index + width else first[1] + len(surface)
                best = (
                    Mention(
                        entity_id, sentence[first[1] : span_end].rstrip(",."), first[1], span_end
                    ),
                    end,
                )
        return best

    def _proposed(self, sentence: str, known: list[Mention]) -> list[Mention]:
        proposals = []
        for match in _ORGANISATION.finditer(sentence):
            start, end = match.start("name"), match.end("name")
            words = match["name"].split()
            while words and words[0] in _NOT_NAME_WORDS:
                start += len(words[0]) + 1
                words = words[1:]
            if len(words) < 2 or any(m.start < end and start < m.end for m in known):
                continue
            surface = " ".join(words)
            key = normalise(surface)
            # "the Critical Minerals Strategic Reserve": a name that runs on into a scheme's.
            runs_on = re.match(r"(?:\s+[A-Z][\w-]*){1,3}", sentence[end:])
            scheme = _PROGRAMME.search(surface + (runs_on.group() if runs_on else ""))
            if not key or key in self.names or scheme:
                continue
            proposals.append(
                Mention(
                    proposed_entity_id(surface),
                    surface,
                    start,
                    end,
                    proposed=True,
                    country=country_near(sentence, start, end),
                )
            )
        return proposals


#: A scheme, fund line or law rather than an organisation: "the Critical Minerals Facility".
_PROGRAMME = re.compile(
    r"\b(?:Facility|Program|Programme|Scheme|Initiative|Act|Policy|Framework|Strategy|Plan"
    r"|Project|Deposit|Mine|Refinery|Plant|Reserve|Stockpile|Fund|Summaries|Summary|Survey"
    r"|Accelerator|Grants?|Round|Challenge|Window)$"
)


def _is_legal_suffix(token: str) -> bool:
    """A word that only completes a company name ("Co.", "Ltd", "Inc."), never "the"."""
    return token[:1].isupper() and normalise(token) == "" and token.lower() != "the"


def proposed_entity_id(name: str) -> str:
    """A readable id for an organisation that is not registered yet."""
    return "news_" + "_".join(normalise(name).split())[:60]


#: Country words that are names of places, not adjectives: only these can be the object of a
#: preposition ("with the United States"); "in Canadian explorer X" still says X is Canadian.
_PLACE_NAMES = frozenset(
    "china beijing australia canada japan germany uk france estonia malaysia vietnam brazil"
    " tanzania greenland india korea us u.s.".split()
) | {"united states"}
#: A country named as the other side of something ("signed with the United States", "exports to
#: China", "refineries in Japan"), not as where the organisation is from.
_COUNTRY_AS_OBJECT = re.compile(
    r"\b(?:with|to|into|from|against|between|for|by|in|across|outside)\s+(?:the\s+)?$"
)
#: Where an organisation is based, said with a preposition that would otherwise read as an object.
_BASED_IN = re.compile(r"\b(?:based|headquartered|registered|listed|incorporated)\s+in\s+$")


def country_near(sentence: str, start: int, end: int | None = None) -> str | None:
    """The country the words beside a name give: "Australian miner X", "X, the Canadian
    explorer", "X (ASX: XYZ)".

    The nearest country word wins, so that the nationality written next to the organisation
    beats a country named further off in the sentence; a country that is the object of a
    preposition ("signed with the United States") and a currency ("US$100 million") say nothing
    about where the organisation is from.
    """
    name_end = start if end is None else end
    lowered = sentence.lower()
    window_start = max(0, start - 40)
    window_end = min(len(sentence), name_end + 60)
    # (start, end, code, is a place name): the hand-kept words (exchanges, cities), then every
    # ISO country by its name or demonym.
    found = [
        (match.start(), match.end(), code, word in _PLACE_NAMES)
        for word, code in COUNTRY_WORDS.items()
        for match in re.finditer(rf"(?<![a-z]){re.escape(word)}(?![a-z])", lowered)
    ]
    found += [(m.start, m.end, m.code, m.is_place) for m in country_mentions(sentence)]
    best: tuple[int, str] | None = None
    for word_start, word_end, code, is_place in found:
        if word_end <= start:
            if word_start < window_start:
                continue
            distance = start - word_end
        elif word_start >= name_end:
            if word_end > window_end:
                continue
            distance = word_start - name_end
        else:
            continue
        if lowered[word_end : word_end + 1] == "$":
            continue
        before = lowered[max(0, word_start - 40) : word_start]
        if is_place and _COUNTRY_AS_OBJECT.search(before) and not _BASED_IN.search(before):
            continue
        if best is None or distance < best[0]:
            best = (distance, code)
    return best[1] if best else None
