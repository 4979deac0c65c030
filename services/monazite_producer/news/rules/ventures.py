"""Joint ventures formed, with their partners, shares and name. Pure."""

from __future__ import annotations

import re
from decimal import Decimal

from monazite_producer.news.entities import Mention
from monazite_producer.news.quantities import (
    Quantity,
)
from monazite_producer.news.reading import (
    FIRST_PERSON,
    Draft,
    Reading,
    Sentence,
    consideration,
    consideration_field,
    distinct,
    is_company,
)

_NAME_WORDS = r"[A-Z][\w&'-]*(?:\s+(?:[A-Z][\w&'-]*|of|&)){0,5}"

#: The legal form after a company's name: "Co., Ltd.", "LLC", "OÜ", "Pty Ltd".
_LEGAL_FORM = (
    r"(?:,?\s+(?:Co\.,?\s+Ltd\.?|Co\.|Ltd\.?|Limited|L\.?L\.?C\.?|Inc\.|Inc\b|GmbH|OÜ|AG"
    r"|S\.A\.|Pty\.? Ltd\.?|Sdn\.? Bhd\.?|Corp\.|Corp\b|JSC|B\.V\.|N\.V\.|S\.p\.A\.))"
)
_LEGAL_TAIL = re.compile(rf"{_LEGAL_FORM}+")

#: Up to four words between a name and "joint venture" ("an equally owned", "their new 50:50",
#: "a 1.2 billion yuan"), none of which makes the name a party to the venture rather than the
#: venture itself.
_DESCRIBING_WORDS = r"(?:(?!partner|member|shareholder|owner|investor)[\w:/.$€£¥-]+\s+){0,4}?"

#: Ways an article names a new venture: "called X", "set up X, a joint venture", "X, their
#: 50:50 joint venture", "a joint venture, X, …", "a joint venture between A and B, X, …", "the
#: joint venture X will …".
_VENTURE_NAMES: tuple[re.Pattern[str], ...] = (
    re.compile(
        r"\b(?:called|named|to be known as)\s+[\"“]?(?P<name>[A-Z][^\"”,;]{2,80}?)[\"”]?"
        r"(?=[,;.]|\s+(?:to|in|with|which|that)\b)"
    ),
    re.compile(
        rf"(?P<name>{_NAME_WORDS}{_LEGAL_FORM}*)"
        rf"\s*,\s+(?:an?|the|their|its)\s+{_DESCRIBING_WORDS}"
        r"(?:joint[- ])?venture\b(?!\s+partners?\b)"
    ),
    re.compile(rf"\b(?:joint[- ]|[Tt]he (?:new )?)venture\s*,\s+(?P<name>{_NAME_WORDS})\s*,"),
    # "A joint venture between Lynas and Vacuumschmelze, Kalgoorlie Magnet Metals, was …"
    re.compile(rf"\bjoint[- ]venture (?:between|of) [^,;.]{{3,80}},\s+(?P<name>{_NAME_WORDS})\s*,"),
    re.compile(
        rf"\bjoint[- ]venture\s+(?:company\s+)?(?P<name>{_NAME_WORDS})"
        r"(?=\s*[,;.]|\s+(?:to|in|which|that|will|would)\b)"
    ),
)

#: "50:50", "equally owned": two partners with half each, though no percentage is written.
EQUAL_SPLIT = re.compile(
    r"\b(?:50[:/-]50|fifty[- ]fifty|equally[- ]owned|owned equally|equal (?:stakes|shares"
    r"|holdings|ownership|interests)|evenly split|split evenly|half each"
    r"|(?:own\w*|h[oe]ld\w*|shar\w*)\s+(?:(?:it|them|the\s+\w+)\s+)?equally"
    r"|each (?:owns|holds|has|takes) (?:half|50 ?%|50 per ?cent))\b",
    re.I,
)


def venture_name(text: str) -> tuple[str, tuple[int, int]] | None:
    """The venture's own name and its span, when the sentence gives one."""
    for pattern in _VENTURE_NAMES:
        match = pattern.search(text)
        if match is not None:
            return match.group("name").strip(), match.span("name")
    return None


#: "Lynas and e-VAC formed Palmetto Rare Earth Metals": two companies forming a third.
_FORMED = re.compile(
    r"\b(?:have\s+|has\s+)?(?:jointly\s+)?(?:formed|set up|established|created|founded"
    r"|launched|incorporated)\s+(?:a new company,?\s+)?",
)

#: "a 60:40 venture", "split 70/30": the partners' shares in the order the partners are named.
_RATIO = re.compile(r"(?<![\d.:/-])(\d{1,2}(?:\.\d+)?)\s*[:/-]\s*(\d{1,2}(?:\.\d+)?)(?![\d.:/%])")


def _formed_venture(sentence: Sentence, reading: Reading) -> tuple[str, tuple[int, int]] | None:
    """The new organisation two companies named before the verb formed, if the sentence says so
    with no "joint venture"."""
    for match in _FORMED.finditer(sentence.text):
        created = next((m for m in sentence.mentions if m.start == match.end()), None)
        founders = distinct(
            [m for m in sentence.before(match.start()) if is_company(m, reading.directory)]
        )
        between = sentence.text[founders[0].end : founders[-1].start] if founders else ""
        if (
            created is not None
            and len(founders) >= 2
            and re.search(r"\band\b|&", between)
            and created.entity_id not in {f.entity_id for f in founders}
        ):
            return created.surface, (created.start, created.end)
    return None


def new_venture_id(name: str) -> str:
    """The id of a venture not registered yet, from its name without the legal form, so that
    both spellings make one venture."""
    short_name = re.sub(rf"{_LEGAL_TAIL.pattern}$", "", name)
    return "news_" + "_".join(re.findall(r"[a-z0-9]+", short_name.lower()))[:60]


#: The verb of a share price's move, just before its percentage.
_PRICE_MOVE = re.compile(
    r"\b(?:jump\w*|rose|rise[sn]?|fell|fall(?:s|en)?|climb\w*|slipp\w*|slid|gain\w*|add\w*|lost"
    r"|drop\w*|surg\w*|sank|tumbl\w*|soar\w*)\s+(?:by\s+)?$",
    re.I,
)


def venture_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    text = sentence.text
    formed = _formed_venture(sentence, reading)
    if formed is None and not re.search(
        r"\bjoint[- ]venture\b|\bJV\b|\b(?:formed|set up|established|created)\b[^.;]{0,80}"
        r"\bventure\b",
        text,
        re.I,
    ):
        return []
    named = formed or venture_name(text)
    stated = venture_name(text)
    if formed is not None and stated is not None and stated[0].startswith(formed[0]):
        # "set up Midwest Rare Earth Processing, a joint venture": the name the sentence gives
        # in full, where the name read as a new organisation stopped short.
        named = stated
    name, name_span = named if named else (None, (0, 0))
    if name is not None and (tail := _LEGAL_TAIL.match(text, name_span[1])) is not None:
        # "Baotou Tianhe Magnetic Materials Co., Ltd.": the name as registered, in full.
        name, name_span = text[name_span[0] : tail.end()], (name_span[0], tail.end())
    told = re.search(r",[^,]{0,60}?\b(?:told|said|says|according to)\b", text)
    mentions = distinct(
        [
            m
            for m in sentence.mentions
            if not (m.start < name_span[1] and name_span[0] < m.end)
            # "…, Lynas's managing director told the Goldfields Critical Minerals Forum": who
            # heard the news is no partner
            and not (told is not None and m.start > told.end())
        ]
    )
    partners = mentions
    if (
        name is not None
        and len(partners) == 1
        and sentence.issuer is not None
        and sentence.issuer.entity_id != partners[0].entity_id
        and FIRST_PERSON.search(text[: name_span[0]])
    ):
        # "we completed the formation of X, a joint venture with Y": the company speaking.
        partners = [sentence.issuer, *partners]
    if name is not None and len(partners) < 2:
        # The "name" was a partner after all ("a joint venture, Lynas said, …").
        name, name_span = None, (0, 0)
        partners = distinct(sentence.mentions)
    if len(partners) < 2:
        return []
    joined = re.search(r"\bventure\s+with\s+", text, re.I)
    if joined is not None and name is None:
        # "… closed a financing with the DoD and formed a joint venture with eVAC": the
        # subject and the company after "venture with", not everyone the sentence names.
        subject = [p for p in partners if p.end <= joined.start()][:1]
        joining = [p for p in partners if p.start >= joined.end()]
        if subject and joining:
            partners = distinct([*subject, *joining])
    shares: dict[str, str] = {}
    partner_ids = {p.entity_id for p in partners}
    partner_mentions = [m for m in sentence.mentions if m.entity_id in partner_ids]
    for pct in sentence.percentages:
        if _PRICE_MOVE.search(text[max(0, pct.start - 20) : pct.start]):
            continue  # "Iluka Resources jumped 7.4 per cent": a share price, not a share
        owner = owner_of(sentence, pct, partner_mentions)
        if owner is not None and owner.entity_id not in shares:
            shares[owner.entity_id] = str(pct.value)
    notes = []
    ratio = _RATIO.search(text)
    if (
        not shares
        and len(partners) == 2
        and ratio is not None
        and Decimal(ratio.group(1)) + Decimal(ratio.group(2)) == 100
    ):
        shares = {p.entity_id: r for p, r in zip(partners, ratio.groups(), strict=True)}
        notes.append(
            f"a {ratio.group()} split read in the order the partners are named:"
            f" {partners[0].surface} {ratio.group(1)}%, {partners[1].surface} {ratio.group(2)}%"
        )
    if not shares and len(partners) == 2 and EQUAL_SPLIT.search(text):
        shares = {p.entity_id: "50" for p in partners}
        notes.append("an equal split of two partners: 50% each")
    known_venture = reading.directory.resolve(name) if name else None
    if known_venture is not None:
        venture_id = known_venture
    elif name:
        venture_id = new_venture_id(name)
    else:
        venture_id = "news_jv_" + "_".join(sorted(p.entity_id for p in partners))
    draft = Draft(
        {
            "type": "joint_venture_formed",
            "venture_id": venture_id,
            "name": name,
            "partners": [
                {
                    "entity_id": p.entity_id,
                    **({"pct": shares[p.entity_id]} if p.entity_id in shares else {}),
                }
                for p in partners
            ],
        }
    )
    draft.parties = list(partners)
    draft.notes.extend(notes)
    controlling = [
        p for p in partners if p.entity_id in shares and Decimal(shares[p.entity_id]) > 50
    ]
    if controlling:
        draft.fields["controlling_partner_id"] = controlling[0].entity_id
    draft.money = consideration(sentence)
    if draft.money is not None and re.search(
        r"(?:%|per ?cent)\s+(?:higher |lower )?to\s+$",
        text[max(0, draft.money.start - 20) : draft.money.start],
    ):
        draft.money = None  # "jumped 7.4 per cent to A$7.85": a share price
    draft.fields["consideration"] = consideration_field(draft.money)
    return [draft]


#: "51% by X", "49 per cent held by Y": the owner follows the share.
_SHARE_BY = re.compile(r"^\s*(?:is\s+|are\s+)?(?:owned\s+|held\s+)?by\b", re.I)


def owner_of(sentence: Sentence, pct: Quantity, partners: list[Mention]) -> Mention | None:
    if _SHARE_BY.match(sentence.text[pct.end :]):
        following = [p for p in partners if p.start >= pct.end and p.start - pct.end <= 25]
        return following[0] if following else None
    preceding = [p for p in partners if p.end <= pct.start and pct.start - p.end <= 30]
    if preceding:
        return preceding[-1]
    following = [p for p in partners if p.start >= pct.end and p.start - pct.end <= 25]
    return following[0] if following else None
