"""Schema evolution: pure upcasters that lift a stored or published event one version at a time.

Every event carries `schema_version`. Readers (the processor consuming topics, the replay reading
the archive, the producer validating files) upcast each document to the current version of its
type before validating it, so events written under any earlier version stay readable forever.

History:
- `price_floor_set` v2 (replaces v1's `price` + `per_unit` "kg" | "t" with `price_per_kg`): a
  price per tonne becomes a price per kilogram (amount / 1000), a price per kilogram stays.
- `alert_raised` v2 (an output): `kind` gains `chain_bottleneck_moved` and
  `vertical_integration_step`. Nothing reads it back, so it needs no upcaster.
- `chain_changed` v2 (an output): each stage gains `control_known_pct`, the share of its total
  with a known controller, which the blocs' `controlled_pct` cover. No upcaster either.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

Document = dict[str, Any]
Upcaster = Callable[[Document], Document]

#: The version each event type is validated at; types not listed are at version 1.
CURRENT_VERSIONS: Mapping[str, int] = {
    "price_floor_set": 2,
    "alert_raised": 2,
    "chain_changed": 2,
}


def current_version(event_type: str) -> int:
    return CURRENT_VERSIONS.get(event_type, 1)


def _price_floor_v1_to_v2(document: Document) -> Document:
    lifted = {k: v for k, v in document.items() if k not in ("price", "per_unit")}
    price = document.get("price")
    if isinstance(price, Mapping) and "amount" in price:
        per_unit = document.get("per_unit", "kg")
        amount = Decimal(str(price["amount"]))
        per_kg = amount / 1000 if per_unit == "t" else amount
        lifted["price_per_kg"] = {**price, "amount": str(per_kg.normalize())}
    elif price is not None:
        lifted["price_per_kg"] = price  # malformed: let validation name the field
    return lifted


#: (type, from version) → the function that lifts it to the next version.
UPCASTERS: Mapping[tuple[str, int], Upcaster] = {
    ("price_floor_set", 1): _price_floor_v1_to_v2,
}


def upcast(document: Any) -> Any:
    """The document at the current version of its type (anything else is returned unchanged)."""
    if not isinstance(document, Mapping):
        return document
    lifted: Document = dict(document)
    event_type = lifted.get("type")
    version = lifted.get("schema_version", 1)
    if not isinstance(event_type, str) or not isinstance(version, int):
        return lifted
    while (step := UPCASTERS.get((event_type, version))) is not None:
        lifted = step(lifted)
        version += 1
        lifted["schema_version"] = version
    return lifted
