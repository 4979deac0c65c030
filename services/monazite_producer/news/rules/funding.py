"""Funding awarded: grants, loans, guarantees, equity and offtake, and who gave it. Pure."""

from __future__ import annotations

import re

from monazite_producer.news.entities import Mention
from monazite_producer.news.quantities import (
    Money,
)
from monazite_producer.news.reading import (
    REFERRED_CAP,
    Draft,
    Reading,
    Sentence,
    consideration,
    consideration_field,
    distinct,
    is_company,
    jurisdiction_named,
    state_first,
)

_INSTRUMENTS: tuple[tuple[str, str], ...] = (
    (r"\btax credit|\bcredits? allocated\b|\b(?:48C|45X)\b", "tax_credit"),
    (r"\bloan|\blend\w*|\bcredit facility|\bdebt financing", "loan"),
    (r"\bguarantee", "guarantee"),
    (
        r"\bofftake|\bprepay\w*|\bsupply agreement|\bpurchase commitment|\bstockpile contract"
        r"|\border for\b[^.;]{0,30}?\b(?:magnets?|oxides?|metals?|alloys?|concentrates?)\b"
        r"|\b(?:agree\w*|commit\w*) to (?:buy|purchase)\b[^.;]{0,60}?\bof\b[^.;]{0,40}?"
        r"\b(?:magnets?|oxides?|metals?|alloys?|concentrates?|rare earths)\b",
        "offtake",
    ),
    (
        r"\bpreferred (?:stock|shares)|\bequity\b|\bconvertible"
        r"|\bnewly[- ]issued\b[^.;]{0,30}\b(?:stock|shares)\b|\bnew shares\b",
        "equity",
    ),
    (r"\bgrant\w*|\baward\w*", "grant"),
)


def instruments_named(text: str) -> list[str]:
    """The kinds of funding `text` names, in the order of `_INSTRUMENTS`."""
    return [kind for pattern, kind in _INSTRUMENTS if re.search(pattern, text, re.I)]


#: A guarantee of loans is a guarantee: "a loan guarantee", "a guarantee covering US$180
#: million of commercial loans" (no loan named before it).
_GUARANTEE_OF_LOANS = re.compile(
    # (the Department of Energy's "Loan Programs Office" names no loan)
    r"^(?:(?!\bloan(?! programs? office)|\blend|\bcredit facility|\bdebt financing)[^;])*?"
    r"\bguarantee"
    r"|\bloan guarantee",
    re.I,
)


#: Equity bought from its holders changes who owns a company; it funds no one ("the purchase of
#: additional equity in X from Y").
_EQUITY_BOUGHT = (
    r"\b(?:purchas\w*|acqui\w*|bought|buy\w*)\s+(?:of\s+)?(?:[\w%.-]+\s+){0,6}?equity\b"
)


def funding_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    text = sentence.text
    instrument = next(
        (kind for pattern, kind in _INSTRUMENTS if re.search(pattern, text, re.I)), None
    )
    if instrument == "loan" and _GUARANTEE_OF_LOANS.search(text):
        instrument = "guarantee"
    if instrument is None or not sentence.money:
        return []
    if re.search(
        r"\bjoint venture\b|\b(?:price floor|floor price|minimum price)\b|\bquota\b", text, re.I
    ):
        return []
    if all(_is_price(sentence, money) for money in sentence.money):
        return []
    # "… its first equity raise since the Defense Department became its largest shareholder":
    # a name inside a clause of time or reason is not a party to the funding.
    mentions = distinct([m for m in sentence.mentions if not _SUBORDINATE.search(text[: m.start])])
    # "the Department" after a registered state body was named is that body; otherwise an
    # unregistered department or "the government" stands for the country's government.
    government = state_body(sentence, reading, len(text)) or unnamed_government(sentence, reading)
    if government is not None and _SUBORDINATE.search(text[: government.start]):
        government = None
    if government is not None and any(
        not m.proposed and m.start < government.end and government.start < m.end
        for m in sentence.mentions
    ):
        government = None  # "the Department of War" is a registered body, not "the government"
    if government is not None:
        # "The National Reconstruction Fund Corporation has invested …": a state lender read as
        # a new organisation is its government.
        state_bodies = [b.span() for b in _THE_GOVERNMENT.finditer(text)]
        mentions = [
            m
            for m in mentions
            if not (
                m.proposed and any(m.start < end and start < m.end for start, end in state_bodies)
            )
        ]
    if len(mentions) <= 1 and government is not None:
        mentions = distinct([government, *mentions])
    awarded_note = None
    if (
        len(mentions) == 1
        and not _is_funder(mentions[0], reading)
        and _AWARDED_TO_IT.search(text[mentions[0].end :])
        and (country := context_jurisdiction(sentence, reading)) is not None
        and (state := reading.directory.entities.get(f"{country.lower()}_government")) is not None
        and state.kind == "state"
    ):
        # "Lynas Rare Earths has been awarded a grant …" in a government's release: the
        # government of the country the release is about gives it.
        mentions = [Mention(state.entity_id, state.name, 0, 0), mentions[0]]
        awarded_note = f"the text names no funder: {state.name}, the government it is about"
    if (
        instrument == "equity"
        and not re.search(r"preferred|convertible", text, re.I)
        and not any(_is_funder(m, reading) for m in mentions)
    ):
        # A company buying shares takes a stake; it funds no one. A state buying new shares
        # does both.
        return []
    referred = None
    if (
        len(mentions) == 1
        and _is_funder(mentions[0], reading)
        and (referent := sentence.referent) is not None
        and referent.entity_id != mentions[0].entity_id
        and is_company(referent, reading.directory)
        and _FUNDS.search(text)
    ):
        # "The DoD is buying US$400 million of preferred stock": the article's company is the
        # one funded.
        mentions, referred = [mentions[0], referent], referent
    if (
        len(mentions) == 1
        and instrument == "offtake"
        and (speaker := sentence.issuer) is not None
        and speaker.entity_id != mentions[0].entity_id
        and re.search(r"\bfrom (?:us|the company|the group)\b", text, re.I)
    ):
        # "Apple has agreed to buy … oxide from us": the company speaking is paid.
        mentions, referred = [mentions[0], speaker], speaker
    if len(mentions) < 2:
        return []
    source_of = re.search(r"\bfrom\b", text)
    funder = None
    if instrument == "offtake" and source_of is not None:
        # "Apple has agreed to buy US$250m of magnets from X": the buyer funds the seller.
        buyers = [m for m in mentions if m.end <= source_of.start()]
        funder = buyers[0] if buyers else None
    elif source_of is not None:
        after = sentence.after(source_of.end())
        # "… a loan to Lynas for the plant, which prepares feed from the Mt Weld mine": what
        # follows "from" lends only if the sentence names no state that could.
        any_state = any(_is_funder(m, reading) for m in mentions)
        funder = next(
            (m for m in after if _is_funder(m, reading)),
            after[0] if after and not any_state else None,
        )
    if funder is None:
        funder = state_first(mentions, reading.directory)[0]
        if not _is_funder(funder, reading):
            funder = mentions[0]
    recipient = next((m for m in mentions if m.entity_id != funder.entity_id), None)
    if recipient is None:
        return []
    draft = Draft(
        {
            "type": "funding_awarded",
            "funder_id": funder.entity_id,
            "recipient_id": recipient.entity_id,
            "instrument": instrument,
        }
    )
    draft.parties = [funder, recipient]
    if awarded_note is not None:
        draft.cap(0.8, awarded_note)
    if referred is not None:
        draft.cap(
            REFERRED_CAP,
            f"the sentence does not name the recipient: {referred.surface!r}, the company the"
            " article is about, assumed",
        )
    if (_HELD_FUNDING.search(text) and not _FUNDS.search(text)) or _ALREADY_GIVEN.search(text):
        draft.cap(0.5, "funding the recipient already has, not funding awarded: background")
    each = _EACH.search(text)
    draft.money = consideration(sentence)
    if draft.money is None and each is not None:
        # "A$40 million each" is a sum per award here, not a price per share.
        draft.money = next((m for m in sentence.money if m.end <= each.start()), None)
    draft.fields["amount"] = consideration_field(draft.money)
    if each is None:
        return [draft]
    # "a grant and a loan of A$40 million each", "preferred equity and a term loan, US$150
    # million apiece": one award of that sum per instrument named.
    named = instruments_named(text[: each.start()])
    drafts = [draft]
    for kind in named:
        if kind != instrument:
            other = Draft(
                {**draft.fields, "instrument": kind},
                confidence=draft.confidence,
                notes=[*draft.notes, f"one of {len(named)} awards of the same sum"],
            )
            other.parties, other.money = list(draft.parties), draft.money
            drafts.append(other)
    return drafts


#: "… of A$40 million each", "US$150 million apiece": one sum for each instrument named.
_EACH = re.compile(r"\b(?:each|apiece)\b", re.I)

#: The company named is given the funding: "has been awarded", "received", "wins".
_AWARDED_TO_IT = re.compile(
    r"^\s+(?:has been|have been|was|were|is|will be)\s+(?:awarded|granted|given|offered|lent)\b"
    r"|^\s+(?:receives|received|has received|wins|won|has won|secures|secured|has secured)\b",
    re.I,
)


#: A clause of time, reason or description that the text just before a name opens.
_SUBORDINATE = re.compile(
    r"\b(?:since|because|although|whereas|while)\s+(?:the\s+)?[^,;()]*$", re.I
)

#: "the A$1.65 billion in loans already provided to Iluka": funding told as history.
_ALREADY_GIVEN = re.compile(
    r"\balready (?:provided|granted|lent|awarded|extended|committed|given|approved)\b", re.I
)

#: "Iluka has an A$1.65 billion loan package from …": funding held, told as background.
_HELD_FUNDING = re.compile(
    r"\b(?:has|have|had|holds|hold)\s+(?:an?\s+|the\s+|its\s+|their\s+|(?=[A-Z]{0,3}\$))"
    r"(?:[\w$.,-]+\s+){0,8}?(?:loans?|grants?|facilit(?:y|ies)|package|funding|support)\b",
    re.I,
)


#: "A$95 per kilogram", "US$110/kg": a price, not a sum of money given or lent.
_PER_UNIT = re.compile(
    r"^\s*(?:per|a|an|/)\s*(?:kilo(?:gram)?s?|kg|tonnes?|tons?|t|pounds?|lbs?)\b", re.I
)


def _is_price(sentence: Sentence, money: Money) -> bool:
    return _PER_UNIT.match(sentence.text[money.end :]) is not None


#: "the government", "the federal government": a state the sentence leaves unnamed.
_THE_GOVERNMENT = re.compile(
    r"\b[Tt]he (?:[Ff]ederal |national |central |state )?(?:[Gg]overnment|administration)\b"
    # A department that is not registered stands for its government: "the Commerce
    # Department", "the Department of Energy", "the Treasury".
    r"|\b[Tt]he (?:[A-Z][a-z]+ )?Department\b(?: of [A-Z][a-z]+)?|\b[Tt]he Treasury\b"
    r"|(?i:\b(?:energy|commerce|interior) department\b|\bdepartment of (?:energy|commerce)\b)"
    # State lenders and funds that are not registered stand for their government too.
    r"|\b(?:[Tt]he )?Export-Import Bank\b(?: of (?:the )?[A-Z][a-z]+(?: [A-Z][a-z]+)?)?|\bExim\b"
    r"|\bExport Finance [A-Z][a-z]+\b|\b(?:[Tt]he )?National Reconstruction Fund(?: Corporation)?"
    r"|\b(?:[Tt]he )?(?:International )?Development Finance Corporation\b"
    r"|\b[Tt]he (?:government|state|sovereign) fund\b"
    # "the Minister awarded Lynas a grant": a minister acts for the government
    r"|\b[Tt]he (?:Prime )?Minister\b(?! (?:of|for) [A-Z])"
)


def unnamed_government(sentence: Sentence, reading: Reading) -> Mention | None:
    """The government of the country the sentence or the text just before it is about, for a
    sentence that says only "the government", when that government is registered."""
    said = _THE_GOVERNMENT.search(sentence.text)
    country = context_jurisdiction(sentence, reading)
    if said is None or country is None:
        return None
    government = f"{country.lower()}_government"
    known = reading.directory.entities.get(government)
    if known is None or known.kind != "state":
        return None
    return Mention(government, said.group(), said.start(), said.end())


#: State lenders, funds and programmes whose country their name does not say.
_BODY_COUNTRIES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"National Reconstruction Fund|Export Finance Australia|Critical Minerals (?:Facility"
            r"|Accelerator)|Northern Australia Infrastructure Facility|Clean Energy Finance"
            r" Corporation"
        ),
        "AU",
    ),
    (
        re.compile(
            r"Export-Import Bank of the United States|\bEXIM\b|Development Finance Corporation"
            r"|Loan Programs Office|Office of Strategic Capital|Defense Production Act"
        ),
        "US",
    ),
)


def context_jurisdiction(sentence: Sentence, reading: Reading) -> str | None:
    """The country of the state body the sentence names, else the country the sentence is
    about, or else the text just before it, the title or the article's opening."""
    for body, body_country in _BODY_COUNTRIES:
        if body.search(sentence.text):
            return body_country
    for context in (
        sentence.text,
        sentence.previous_text,
        reading.article.title or "",
        reading.article.text[:300],
    ):
        country = jurisdiction_named(context)
        if country is not None:
            return country
    return None


#: A state doing the funding, not funding described as background ("backed by loans").
_FUNDS = re.compile(
    r"\b(?:lend|lends|lent|lending|award(?:s|ed|ing)?|grant(?:s|ed|ing)|approv(?:es|ed)"
    r"|provid(?:es|ed|ing)|pa(?:id|ys|ying)|buys"
    r"|buying|bought|invest(?:s|ed|ing)|commit(?:s|ted)|extend(?:s|ed)|agree(?:s|d)|sign(?:s|ed)"
    r"|subscrib(?:es|ed|ing)|guarantee(?:s|d))\b",
    re.I,
)


#: A state body referred to by its kind: "the department is buying …", "the ministry will lend".
_STATE_BODY = re.compile(
    r"\b(?:the|The) (?:[Dd]epartment|[Mm]inistry|[Aa]gency|Pentagon|Commonwealth)\b(?! of)"
)


def state_body(sentence: Sentence, reading: Reading, end: int) -> Mention | None:
    """The state body "the department" before `end` means: the last one the sentences just
    before named."""
    bodies = list(_STATE_BODY.finditer(sentence.text, 0, end))
    if not bodies:
        return None
    said = bodies[-1]
    for earlier in reversed(sentence.earlier):
        named = [m for m in earlier.mentions if _is_funder(m, reading)]
        if named:
            return Mention(named[-1].entity_id, said.group(), said.start(), said.end())
    return None


def _is_funder(mention: Mention, reading: Reading) -> bool:
    known = reading.directory.entities.get(mention.entity_id)
    return known is not None and known.kind in ("state", "fund")
