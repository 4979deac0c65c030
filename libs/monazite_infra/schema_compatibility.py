"""Is a new version of an event schema backward compatible with the published one?

The rule depends on who reads the event:
- an **input** is read by Monazite from documents producers wrote against the published schema,
  so the new schema must accept every document the old one accepted: no field removed, no new
  required field, no optional field made required, no type, value set or bound narrowed;
- an **output** is read by subscribers written against the published schema, so every field they
  could rely on must stay as it was promised: no field removed, no field that was always present
  made optional, no type or value set widened (a new enum value breaks a reader that matches on
  every value). New optional fields are compatible both ways: readers ignore fields they do not
  know.

A change that breaks the rule needs a new `schema_version` (and, for inputs, an upcaster).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

JsonSchema = Mapping[str, Any]
Reader = Literal["input", "output"]

_JSON_TYPES = frozenset({"string", "number", "integer", "boolean", "object", "array", "null"})
#: Bounds whose larger value accepts less (a raised minimum narrows).
_LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems")
_UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems")


def breaking_changes(old: JsonSchema, new: JsonSchema, *, reader: Reader) -> list[str]:
    """Every way `new` breaks readers of documents valid under `old`; empty when compatible.

    Each entry names the field path at fault and what changed.
    """
    problems: list[str] = []
    _compare(old, new, old, new, "", reader, problems, set())
    return problems


def _compare(
    old: JsonSchema,
    new: JsonSchema,
    old_root: JsonSchema,
    new_root: JsonSchema,
    path: str,
    reader: Reader,
    problems: list[str],
    seen: set[tuple[str, str, str]],
) -> None:
    old, old_ref = _resolved(old, old_root)
    new, new_ref = _resolved(new, new_root)
    visit = (path, old_ref, new_ref)
    if old_ref and new_ref and visit in seen:
        return  # a recursive definition already compared at this path
    seen.add(visit)
    where = path or "(document)"

    old_types, new_types = _types(old, old_root), _types(new, new_root)
    if reader == "input" and old_types - new_types:
        problems.append(f"{where}: no longer accepts {_listed(old_types - new_types)}")
    if reader == "output" and new_types - old_types:
        problems.append(f"{where}: may now be {_listed(new_types - old_types)}")

    for old_option, new_option in _options_by_type(old, new, old_root, new_root):
        _compare_values(old_option, new_option, where, reader, problems)
        if reader == "input":
            _compare_bounds(old_option, new_option, where, problems)

    old_properties = _properties(old, old_root)
    new_properties = _properties(new, new_root)
    old_required = _required(old, old_root)
    new_required = _required(new, new_root)
    for name, old_property in old_properties.items():
        field = f"{path}.{name}" if path else name
        if name not in new_properties:
            problems.append(f"{field}: removed")
            continue
        if reader == "input" and name in new_required and name not in old_required:
            problems.append(f"{field}: now required")
        if reader == "output" and name in old_required and name not in new_required:
            problems.append(f"{field}: no longer always present")
        _compare(
            old_property, new_properties[name], old_root, new_root, field, reader, problems, seen
        )
    for name in new_properties.keys() - old_properties.keys():
        if reader == "input" and name in new_required:
            problems.append(f"{path + '.' if path else ''}{name}: new required field")

    old_items, new_items = _items(old, old_root), _items(new, new_root)
    if old_items is not None and new_items is not None:
        _compare(old_items, new_items, old_root, new_root, f"{path}[]", reader, problems, seen)


def _resolved(schema: JsonSchema, root: JsonSchema) -> tuple[JsonSchema, str]:
    reference = schema.get("$ref")
    if not isinstance(reference, str):
        return schema, ""
    if not reference.startswith("#/"):
        raise ValueError(f"only references inside the schema are supported, got {reference!r}")
    target: Any = root
    for part in reference.removeprefix("#/").split("/"):
        target = target[part]
    resolved, _ = _resolved(target, root)
    return resolved, reference


def _options(schema: JsonSchema, root: JsonSchema) -> list[JsonSchema]:
    """The alternatives of a union (`anyOf`/`oneOf`), or the schema itself."""
    alternatives = schema.get("anyOf") or schema.get("oneOf")
    if not alternatives:
        return [schema]
    return [_resolved(option, root)[0] for option in alternatives]


def _types(schema: JsonSchema, root: JsonSchema) -> set[str]:
    found: set[str] = set()
    for option in _options(schema, root):
        declared = option.get("type")
        if isinstance(declared, str):
            found.add(declared)
        elif isinstance(declared, list):
            found.update(declared)
        elif "const" in option or "enum" in option:
            found.update(_type_of(v) for v in _values(option) or ())
        elif "properties" in option:
            found.add("object")
        else:
            return set(_JSON_TYPES)  # unconstrained: anything goes
    if "number" in found:
        found.add("integer")  # every integer is a number
    return found


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _values(schema: JsonSchema) -> frozenset[Any] | None:
    """The allowed values when the schema lists them (`const`, `enum`), else None."""
    if "const" in schema:
        return frozenset([_hashable(schema["const"])])
    if "enum" in schema:
        return frozenset(_hashable(v) for v in schema["enum"])
    return None


def _hashable(value: Any) -> Any:
    return repr(value) if isinstance(value, dict | list) else value


def _options_by_type(
    old: JsonSchema, new: JsonSchema, old_root: JsonSchema, new_root: JsonSchema
) -> list[tuple[JsonSchema, JsonSchema]]:
    """Pairs of union alternatives of the same declared type (a decimal is a number or a
    string), whose constraints can be compared one to one."""
    new_by_type = {o.get("type"): o for o in _options(new, new_root)}
    return [
        (o, new_by_type[o.get("type")])
        for o in _options(old, old_root)
        if o.get("type") in new_by_type
    ]


def _compare_values(
    old: JsonSchema, new: JsonSchema, where: str, reader: Reader, problems: list[str]
) -> None:
    old_values, new_values = _values(old), _values(new)
    if reader == "input" and new_values is not None:
        if old_values is None:
            problems.append(f"{where}: now limited to {_listed(new_values)}")
        elif old_values - new_values:
            problems.append(f"{where}: no longer accepts {_listed(old_values - new_values)}")
    if reader == "output" and old_values is not None:
        if new_values is None:
            problems.append(f"{where}: no longer limited to {_listed(old_values)}")
        elif new_values - old_values:
            problems.append(f"{where}: may now be {_listed(new_values - old_values)}")


def _compare_bounds(old: JsonSchema, new: JsonSchema, where: str, problems: list[str]) -> None:
    if new.get("pattern") is not None and new.get("pattern") != old.get("pattern"):
        problems.append(f"{where}: pattern changed to {new['pattern']!r}")
    for bound in _LOWER_BOUNDS:
        if bound in new and (bound not in old or new[bound] > old[bound]):
            problems.append(f"{where}: {bound} raised to {new[bound]}")
    for bound in _UPPER_BOUNDS:
        if bound in new and (bound not in old or new[bound] < old[bound]):
            problems.append(f"{where}: {bound} lowered to {new[bound]}")


def _object_option(schema: JsonSchema, root: JsonSchema) -> JsonSchema:
    for option in _options(schema, root):
        if "properties" in option:
            return option
    return {}


def _properties(schema: JsonSchema, root: JsonSchema) -> Mapping[str, JsonSchema]:
    properties: Mapping[str, JsonSchema] = _object_option(schema, root).get("properties", {})
    return properties


def _required(schema: JsonSchema, root: JsonSchema) -> set[str]:
    return set(_object_option(schema, root).get("required", ()))


def _items(schema: JsonSchema, root: JsonSchema) -> JsonSchema | None:
    for option in _options(schema, root):
        items = option.get("items")
        if isinstance(items, Mapping):
            return items
    return None


def _listed(values: set[Any] | frozenset[Any]) -> str:
    return ", ".join(sorted(repr(v) if not isinstance(v, str) else v for v in values))
