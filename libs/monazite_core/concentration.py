"""Concentration maths: HHI, concentration ratios, effective number of suppliers.

Notation: q_i is supplier i's output in one market, Q the market total (attributed output plus any
unattributed remainder), s_i = 100 · q_i / Q its share in percent.
- HHI = Σ s_i², from near 0 to 10 000 (a monopoly). The unattributed remainder is not one
  supplier, so it stays in Q but is never squared in.
- CR_n = Σ of the n largest s_i.
- Effective number of suppliers = 10 000 / HHI ("behaves like 1.4 equal suppliers").
- Combining suppliers with shares a and b raises the HHI by (a + b)² − a² − b² = 2ab.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from monazite_core.events import Figures, SupplierShare

TOP_SUPPLIERS_LISTED = 10
_HUNDRED = Decimal(100)


def concentration(
    quantities: Mapping[str, Decimal],
    *,
    unattributed: Decimal = Decimal(0),
    names: Mapping[str, str] | None = None,
) -> Figures:
    """Figures for one market from each supplier's output (tonnes) and an unattributed remainder.

    Suppliers with zero output are not counted. Ties in ranking break on supplier id so the
    result does not depend on the order of `quantities`.
    """
    if unattributed < 0:
        raise ValueError("the unattributed remainder cannot be negative")
    positive = {supplier: q for supplier, q in quantities.items() if q > 0}
    if any(q < 0 for q in quantities.values()):
        raise ValueError("supplier output cannot be negative")
    total = sum(positive.values(), Decimal(0)) + unattributed
    ranked = sorted(positive.items(), key=lambda item: (-item[1], item[0]))
    if total == 0:
        return Figures(
            hhi=0.0,
            cr1=0.0,
            cr3=0.0,
            cr4=0.0,
            effective_suppliers=None,
            supplier_count=0,
            total_tonnes=Decimal(0),
            unattributed_tonnes=unattributed,
            top_suppliers=(),
        )
    shares = [(supplier, q, q * _HUNDRED / total) for supplier, q in ranked]
    hhi = sum((share * share for _, _, share in shares), Decimal(0))
    label = names or {}
    return Figures(
        hhi=_round(hhi),
        cr1=_round(_top_sum(shares, 1)),
        cr3=_round(_top_sum(shares, 3)),
        cr4=_round(_top_sum(shares, 4)),
        effective_suppliers=_round(Decimal(10_000) / hhi) if hhi > 0 else None,
        supplier_count=len(shares),
        total_tonnes=total,
        unattributed_tonnes=unattributed,
        top_suppliers=tuple(
            SupplierShare(
                supplier_id=supplier,
                name=label.get(supplier, supplier),
                tonnes=q,
                share_pct=_round(share),
            )
            for supplier, q, share in shares[:TOP_SUPPLIERS_LISTED]
        ),
    )


def merger_delta_hhi(share_a_pct: float, share_b_pct: float) -> float:
    """ΔHHI of combining two suppliers with percentage shares a and b: 2ab."""
    return 2.0 * share_a_pct * share_b_pct


def _top_sum(shares: list[tuple[str, Decimal, Decimal]], n: int) -> Decimal:
    return sum((share for _, _, share in shares[:n]), Decimal(0))


_FOUR_DECIMALS = Decimal("0.0001")


def _round(value: Decimal) -> float:
    """Figures are published to four decimals: stable across runs, far below any threshold."""
    return float(value.quantize(_FOUR_DECIMALS))
