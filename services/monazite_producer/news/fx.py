"""Conversion to US dollars with dated rates (kept in `data/fx/rates.csv`, sources beside it).

A rate is units of the currency per US dollar. An amount is converted with the latest rate dated
on or before the day of the event, or the earliest rate when the event is older than all of them;
the answer names the rate, its date and its source, so a reader can check it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal


@dataclass(frozen=True, slots=True)
class Rate:
    currency: str
    day: date
    per_usd: Decimal
    source: str


@dataclass(frozen=True, slots=True)
class UsdValue:
    amount: Decimal
    rate: Decimal
    rate_date: date
    rate_source: str


class FxRates:
    def __init__(self, rates: list[Rate]) -> None:
        self._by_currency: dict[str, list[Rate]] = {}
        for rate in sorted(rates, key=lambda r: r.day):
            self._by_currency.setdefault(rate.currency, []).append(rate)

    @classmethod
    def parse(cls, text: str) -> FxRates:
        """Rates from CSV with the header `currency,date,per_usd,source` (`#` lines skipped)."""
        lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
        rows = csv.DictReader(io.StringIO("\n".join(lines)))
        return cls(
            [
                Rate(
                    row["currency"].strip(),
                    date.fromisoformat(row["date"].strip()),
                    Decimal(row["per_usd"].strip()),
                    row["source"].strip(),
                )
                for row in rows
            ]
        )

    def to_usd(self, amount: Decimal, currency: str, on: date) -> UsdValue | None:
        """`amount` in US dollars (to the cent), or None for a currency without rates."""
        if currency == "USD":
            return UsdValue(amount, Decimal(1), on, "identity")
        rates = self._by_currency.get(currency)
        if not rates:
            return None
        chosen = rates[0]
        for rate in rates:
            if rate.day <= on:
                chosen = rate
        usd = (amount / chosen.per_usd).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
        return UsdValue(usd, chosen.per_usd, chosen.day, chosen.source)
