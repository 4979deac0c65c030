"""Price floors set: a guaranteed minimum price per unit, its beneficiary and start. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from monazite_producer.news.quantities import (
    Money,
    find_money,
    plain,
)
from monazite_producer.news.reading import (
    REVIEW_CAP,
    Draft,
    Reading,
    Sentence,
    element_group,
    label_country,
)
from monazite_producer.news.rules.controls import effective_date
from monazite_producer.news.rules.funding import context_jurisdiction
from monazite_producer.news.rules.tariffs import commission_of_the_union, european_union

#: A floor under a price: named, or a price per unit that a state guarantees.
_PRICE_FLOOR = re.compile(
    r"\b(?:price floor|floor price|minimum (?:\w+ )?price|floor of|price guarantee"
    r"|guaranteed minimum)\b"
    r"|\b(?:guarantee\w*|underwrit\w*|assur\w*)\b[^.;]{0,60}?(?:per|a|/)\s*(?:kilogram|kg|tonne)\b"
    # "Neo will be paid at least €88 a kilogram for NdPr oxide"
    # "will pay the group no less than €94,000 per tonne"
    r"|\b(?:paid|pay|receive|get)\s+(?:[\w-]+\s+){0,3}?(?:at least|no less than|not less than)\b"
    r"[^.;]{0,30}?(?:per|a|/)\s*(?:kilogram|kg|tonne|pound|lb)\b"
    # "would pay Neo the difference whenever the market price falls below C$150 a kilogram",
    # "will make up the difference whenever the realised price falls below $50 a pound"
    r"|\b(?:pay\w*|make up|makes up)\b[^.;]{0,40}?\bthe difference\b[^.;]{0,80}?"
    r"\b(?:falls?|drops?|is) below\b",
    re.I,
)


#: "the company's facility", "its output": the company the sentence refers back to.
_THE_COMPANYS = re.compile(r"\bthe (?:company|group|miner|producer)(?:'s|’s)|\bits\b", re.I)


#: Currencies of one jurisdiction: a floor paid in them with no government named is theirs.
_CURRENCY_COUNTRIES = {
    "AUD": "AU",
    "CAD": "CA",
    "KRW": "KR",
    "JPY": "JP",
    "INR": "IN",
    "EUR": "EU",
}

#: The words after a name that reports the news rather than takes part in it.
_TELLS = re.compile(r"(?:\s+[A-Z][\w-]*)?\s+(?:announced|said|says|stated|confirmed|told)\b")


def price_floor_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    text = sentence.text
    if not _PRICE_FLOOR.search(text):
        return []
    price, per_kg = _unit_price(text, sentence.money)
    terms = sentence
    if price is None and sentence.following and sentence.mentions:
        # "X agreed a price floor with Y. From 1 July 2027, if the price falls below A$132 per
        # kilogram, …": the terms in the sentence after.
        following, following_dates = sentence.following[0]
        price, per_kg = _unit_price(following, find_money(following))
        terms = replace(
            sentence, text=following, dates=following_dates, following=sentence.following[1:]
        )
    if price is None:
        return []
    group = element_group(text) or element_group(terms.text)
    if group is None:
        return []
    companies = [
        m
        for m in sentence.mentions
        if ((e := reading.directory.entities.get(m.entity_id)) is None or e.kind == "company")
        # "…, Natural Resources Canada announced": who tells of the floor, not who gets it
        and not _TELLS.match(text, m.end)
    ]
    states = [
        m
        for m in sentence.mentions
        if (e := reading.directory.entities.get(m.entity_id)) is not None and e.kind != "company"
    ]
    if not companies and sentence.referent is not None and _THE_COMPANYS.search(text):
        # "… oxide produced at the company's facility": the company just named.
        companies = [sentence.referent]
    jurisdiction = None
    if states:
        jurisdiction = reading.directory.entities[states[0].entity_id].country
    jurisdiction = (
        jurisdiction
        or european_union(text)
        or european_union(terms.text)
        or commission_of_the_union(text, reading.article.text)
        or commission_of_the_union(sentence.previous_text, reading.article.text)
        or label_country(sentence)
        or context_jurisdiction(sentence, reading)
        # "Lynas will be paid not less than A$125 a kilogram": a floor in a currency of one
        # country's own is that country's
        or _CURRENCY_COUNTRIES.get(price.currency)
    )
    draft = Draft(
        {
            "type": "price_floor_set",
            "jurisdiction": jurisdiction,
            "beneficiary_id": companies[0].entity_id if companies else None,
            "element_group": group,
            "price_per_kg": {
                # to the cent, as a price per pound converts to no exact price per kilogram
                "amount": str(plain((price.amount / per_kg).quantize(Decimal("0.01")))),
                "currency": price.currency,
            },
        }
    )
    draft.parties = companies[:1]
    if jurisdiction is None:
        draft.cap(REVIEW_CAP, "the text names no government setting the floor")
    effective = effective_date(terms, reading, draft)
    if effective is None:
        return []
    draft.fields["effective_from"] = effective.isoformat()
    draft.money = price
    return [draft]


def _unit_price(text: str, money: Sequence[Money]) -> tuple[Money | None, Decimal]:
    """The first sum given per kilogram or per tonne, with the divisor to a kilogram price."""
    for sum_ in money:
        unit = text[sum_.end : sum_.end + 20].lower()
        if re.match(r"\s*(?:per|a|/|an)\s*(?:kilogram|kg)", unit):
            return sum_, Decimal(1)
        if re.match(r"\s*(?:per|a|/)\s*(?:tonne|ton|t)\b", unit):
            return sum_, Decimal(1000)
        if re.match(r"\s*(?:per|a|/)\s*(?:pound|lb)\b", unit):
            return sum_, POUND_IN_KG
    return None, Decimal(1)


#: A pound, in kilograms: a price per pound divided by it is a price per kilogram.
POUND_IN_KG = Decimal("0.45359237")
