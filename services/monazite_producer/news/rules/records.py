"""Deals told as records of "Key: value" lines: a deal tracker's entry ("Acquirer: …",
"Target: …", "Interest acquired: 8%"), a substantial-holder form ("To: …", "Name: …", "Voting
power: 5.30%"), a register entry ("Registration status: deregistered", "Absorbing party: …")
and a newsletter's box ("What: … joint venture", "Who: Neo (80%) and Apple (20%)"). Pure.

Each key is read for the part it plays; keys the reader does not know are left alone. A record
under a heading such as "SIGNED, NOT COMPLETED", or whose status says it is not completed, is
sent to review; one completed long before the article is history.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from monazite_producer.news.entities import Mention
from monazite_producer.news.quantities import find_dates, find_money, find_percentages, plain
from monazite_producer.news.reading import (
    HISTORY_DAYS,
    Draft,
    Reading,
    Sentence,
    consideration_field,
    is_company,
)
from monazite_producer.news.rules.funding import instruments_named, unnamed_government
from monazite_producer.news.rules.ventures import new_venture_id

#: The part a key plays, tried in this order (a "Buyer's holding" is a holding, not a buyer).
_KEYS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (part, re.compile(pattern, re.I))
    for part, pattern in (
        ("buyer_holding", r"\b(?:buyer|acquirer|purchaser|holder|investor)['’]?s? holding\b"),
        ("seller_holding", r"\b(?:seller|vendor|transferor)['’]?s? holding\b"),
        ("survivor", r"\b(?:surviv\w*|absorbing|continuing)\b"),
        ("absorbed", r"\b(?:merged|absorbed|disappearing|dissolved) (?:entity|company|party)\b"),
        ("registered_name", r"^(?:enterprise|company|entity) name$"),
        ("funder", r"^(?:provider|lender|funder|financier|from)$"),
        ("recipient", r"^(?:recipient|borrower|beneficiary|counterparty)$"),
        ("instruments", r"^(?:instruments?|financing|facilit(?:y|ies)|product)$"),
        ("status", r"\b(?:status|conditions?)\b"),
        ("signed", r"^signed\b"),
        (
            "completed",
            r"^(?:complet\w*|closed|closing|date of (?:change|completion)|effective date)\b",
        ),
        ("kind", r"^(?:deal type|type|form|kind|transaction|nature|reason\b.*)$"),
        ("venture", r"^(?:what|venture|joint venture|name of (?:the )?(?:venture|company))$"),
        ("partners", r"^(?:who|partners|shareholders|owners)$"),
        ("seller", r"\b(?:seller|vendor|transferor|disposing party)\b"),
        (
            "buyer",
            r"\b(?:acquirer|buyer|purchaser|investor|subscriber|substantial holder"
            r"|party a|acquiring (?:party|company)|new shareholder|name)\b",
        ),
        ("target", r"\b(?:target|issuer|party b|investee)\b|^(?:to|company)$"),
        ("traded", r"\b(?:shares transferred|stake sold|shares sold)\b"),
        (
            "holding",
            r"\b(?:interest acquired|stake acquired|stake|holding|voting power|interest"
            r"|ownership|shareholding|percent of class)\b",
        ),
        (
            "money",
            r"\b(?:consideration|price|value|cost|amount|money|paid|commitment|credit allocated"
            r"|grant awarded|award)\b",
        ),
    )
)

#: A record of a deal that has not happened (yet): signed only, pending, withdrawn, rumoured.
_NOT_DONE = re.compile(
    r"\b(?:signed|pending|outstanding|not (?:yet )?completed|announced|proposed|withdrawn"
    r"|terminated|lapsed|rumou?r\w*|talks|expected|awaiting|conditional)\b",
    re.I,
)

#: "20.33% before, 24.23% after", "3.9% before, nil after".
_BEFORE_AFTER = re.compile(
    r"(?P<before>\d+(?:\.\d+)?\s?%|nil|none|zero)\s+before\W+(?P<after>\d+(?:\.\d+)?\s?%|nil"
    r"|none|zero)\s+after",
    re.I,
)


def record_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    """The deal a record of "Key: value" lines tells, read on the record's first line."""
    if not sentence.record:
        return []
    parts: dict[str, str] = {}
    for key, value in sentence.record:
        part = next((name for name, pattern in _KEYS if pattern.search(key.strip())), None)
        if part is not None and part not in parts:
            parts[part] = value
    drafts = (
        _merger(parts, reading)
        or _venture(parts, reading)
        or _funding(parts, sentence, reading)
        or _stakes(parts, sentence, reading)
    )
    if not drafts:
        return []
    not_done = _NOT_DONE.search(" ".join([sentence.section, parts.get("status", "")]))
    pending = not_done.group().lower() if not_done else None
    if pending is None and "signed" in parts and "completed" not in parts:
        pending = "signed only"
    done = _date(parts.get("completed", ""), reading)
    for draft in drafts:
        draft.notes.append("read from a record of 'Key: value' lines")
        if pending is not None:
            draft.cap(0.4, f"the record says the deal is {pending}, not done")
        if done is not None:
            draft.occurred = done
            if reading.article_date and (reading.article_date - done).days > HISTORY_DAYS:
                draft.cap(0.5, f"completed {done.isoformat()}: told as history")
    return drafts


def _date(value: str, reading: Reading) -> date | None:
    dates = find_dates(value, article_date=reading.article_date)
    return dates[0].value if dates else None


def _named(value: str, reading: Reading) -> Mention | None:
    """The organisation a value names first; a registered one over one proposed."""
    mentions = [m for m in reading.directory.mentions(value) if is_company(m, reading.directory)]
    known = [m for m in mentions if not m.proposed]
    chosen = known or mentions
    return chosen[0] if chosen else None


def _money(parts: dict[str, str]) -> dict[str, str] | None:
    money = find_money(parts.get("money", ""))
    return consideration_field(money[0]) if money else None


def _merger(parts: dict[str, str], reading: Reading) -> list[Draft]:
    survivor = _named(parts.get("survivor", ""), reading)
    absorbed_text = parts.get("absorbed") or (
        parts.get("registered_name", "")
        if re.search(r"\b(?:merg\w*|absor\w*)\b", parts.get("kind", ""), re.I)
        else ""
    )
    absorbed = _named(absorbed_text, reading)
    if survivor is None or absorbed is None or survivor.entity_id == absorbed.entity_id:
        return []
    draft = Draft(
        {
            "type": "merger_completed",
            "survivor_id": survivor.entity_id,
            "absorbed_id": absorbed.entity_id,
            "consideration": _money(parts),
        },
        confidence=0.85,
    )
    draft.parties = [survivor, absorbed]
    return [draft]


def _venture(parts: dict[str, str], reading: Reading) -> list[Draft]:
    described = parts.get("venture", "")
    if not re.search(r"\bjoint[- ]venture\b|\bJV\b", described + " " + parts.get("kind", "")):
        return []
    partners_text = parts.get("partners", "")
    partners: list[tuple[Mention, str | None]] = []
    for mention in reading.directory.mentions(partners_text):
        if mention.proposed or any(p.entity_id == mention.entity_id for p, _ in partners):
            continue
        share = next(
            (p for p in find_percentages(partners_text) if 0 <= p.start - mention.end <= 6),
            None,
        )
        partners.append((mention, str(plain(share.value)) if share else None))
    if len(partners) < 2:
        return []
    name = re.split(r",|\s+-\s+|\s+\(", described, maxsplit=1)[0].strip()
    shares = {p.entity_id: pct for p, pct in partners if pct is not None}
    document: dict[str, object] = {
        "type": "joint_venture_formed",
        "venture_id": new_venture_id(name),
        "name": name,
        "partners": [
            {"entity_id": p.entity_id, **({"pct": pct} if pct else {})} for p, pct in partners
        ],
        "consideration": _money(parts),
    }
    controlling = next(
        (
            p.entity_id
            for p, _ in partners
            if re.search(
                rf"{re.escape(p.surface)}[^;)]*\bcontrolling\b|{re.escape(p.surface)}\s*\(\s*"
                r"(?:[\d.]+%\s*,\s*)?(?:operator|controls?)",
                partners_text,
            )
        ),
        None,
    ) or next((k for k, v in shares.items() if float(v) > 50), None)
    if controlling is not None:
        document["controlling_partner_id"] = controlling
    draft = Draft(document, confidence=0.85)
    draft.parties = [p for p, _ in partners]
    return [draft]


def _funding(parts: dict[str, str], sentence: Sentence, reading: Reading) -> list[Draft]:
    """A box of financing terms: who provides it, the instruments, and the sum (one each
    where it says "apiece"); the recipient is named, else the company the article is from."""
    if "instruments" in parts:
        kinds = instruments_named(parts["instruments"])
    elif "recipient" in parts:
        # "Credit allocated: US$58.7 million" under a list of tax-credit allocations
        told = " ".join(
            [*(k for k, _ in sentence.record), *(e.text for e in sentence.earlier[-2:])]
        )
        kinds = instruments_named(told)[:1]
    else:
        return []
    if not kinds or ("funder" not in parts and "recipient" not in parts):
        return []
    named = [m for m in reading.directory.mentions(parts.get("funder", "")) if not m.proposed]
    if not named and "funder" not in parts:
        # a register a state body keeps of what it signed: "EFA manages the Facility on the
        # Commonwealth's behalf. … Counterparty: Iluka …"
        named = [
            m
            for earlier in reversed(sentence.earlier)
            for m in earlier.mentions
            if (known := reading.directory.entities.get(m.entity_id)) is not None
            and known.kind == "state"
        ] or [
            # "The Treasury Department and the IRS published the allocations": the government
            # of the department not registered
            government
            for earlier in reversed(sentence.earlier[-3:])
            if (government := unnamed_government(earlier, reading)) is not None
        ]
    funder = named[0] if named else None
    recipient = _named(parts.get("recipient", ""), reading) or sentence.issuer
    money = find_money(parts.get("money", ""))
    if funder is None or recipient is None or not money:
        return []
    if len(kinds) > 1 and not re.search(r"\b(?:each|apiece)\b", parts["money"], re.I):
        return []  # one sum for several instruments together: how it splits is not said
    drafts = []
    for kind in kinds:
        draft = Draft(
            {
                "type": "funding_awarded",
                "funder_id": funder.entity_id,
                "recipient_id": recipient.entity_id,
                "instrument": kind,
                "amount": consideration_field(money[0]),
            },
            confidence=0.85,
        )
        draft.parties, draft.money = [funder, recipient], money[0]
        drafts.append(draft)
    return drafts


def _stakes(parts: dict[str, str], sentence: Sentence, reading: Reading) -> list[Draft]:
    buyer = _named(parts.get("buyer", ""), reading)
    target = _named(parts.get("target", ""), reading) or (
        sentence.issuer if "target" not in parts else None
    )
    if buyer is None or target is None or buyer.entity_id == target.entity_id:
        return []
    fields: dict[str, object] = {
        "type": "stake_changed",
        "holder_id": buyer.entity_id,
        "target_id": target.entity_id,
    }
    moved = _BEFORE_AFTER.search(parts.get("buyer_holding", ""))
    held = find_percentages(parts.get("holding", ""))
    if moved is not None:
        fields["pct_before"] = _pct(moved["before"])
        fields["pct_after"] = _pct(moved["after"])
    elif held:
        fields["pct_after"] = str(plain(held[0].value))
        if re.search(r"\bno prior holding\b|\bno (?:previous|earlier) holding\b", parts["holding"]):
            fields["pct_before"] = "0"
    else:
        return []
    fields["consideration"] = _money(parts)
    buyer_draft = Draft(fields, confidence=0.85)
    buyer_draft.parties = [buyer, target]
    drafts = [buyer_draft]
    seller = _named(parts.get("seller", ""), reading)
    sold = _BEFORE_AFTER.search(parts.get("seller_holding", ""))
    if seller is not None and sold is not None and seller.entity_id != target.entity_id:
        seller_draft = Draft(
            {
                "type": "stake_changed",
                "holder_id": seller.entity_id,
                "target_id": target.entity_id,
                "pct_before": _pct(sold["before"]),
                "pct_after": _pct(sold["after"]),
            },
            confidence=0.85,
        )
        seller_draft.parties = [seller, target]
        drafts.append(seller_draft)
    return drafts


def _pct(told: str) -> str:
    """A holding as the record gives it, "nil" being none."""
    number = re.match(r"\d+(?:\.\d+)?", told)
    return str(plain(Decimal(number.group()))) if number else "0"
