"""The accepted events of a market state: event id → content digest, compactly.

A state keeps one entry per event it ever accepted (to tell a redelivery from a conflict), so at a
million events this mapping is the largest thing it holds. As a dict it costs some 150 bytes an
entry (the id's str object, a bytes object per digest, the dict slot). Here the older entries are
packed: every id in one str, in the order accepted, with an array of where each ends; the
digests in one bytearray; and an open-addressing hash table of positions (linear probing, at most
half full) to find an id. That is about 65 bytes an entry. The newest entries sit in a plain
dict, packed in once it grows past an eighth of the rest (a constant per insertion, amortised).
The table hangs on `hash()`, which differs from process to process: it is rebuilt on unpickling.

It behaves as a dict of id → 32-byte digest: the same lookups, iteration in the order accepted,
equality with any mapping of the same items.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, MutableMapping

DIGEST_BYTES = 32  # sha256
_MIN_RECENT = 65_536
#: Positions and string offsets: four bytes each where the platform has them (ids up to 4 GB).
_INDEX = "I" if array("I").itemsize >= 4 else "L"


class AcceptedEvents(MutableMapping[str, bytes]):
    __slots__ = ("_digests", "_ends", "_ids", "_recent", "_table")

    def __init__(self, items: Iterable[tuple[str, bytes]] = ()) -> None:
        self._ids = ""  # packed ids, in the order accepted
        self._ends = array(_INDEX)  # where each packed id ends in `_ids`
        self._table = array(_INDEX, [0])  # 1 + position of a packed id, at its hash; 0: empty
        self._digests = bytearray()  # DIGEST_BYTES per packed id, in the order accepted
        self._recent: dict[str, bytes] = {}
        for key, value in items:
            self[key] = value

    # ---- the mapping ----------------------------------------------------------------------

    def __getitem__(self, key: str) -> bytes:
        found = self._recent.get(key)
        if found is not None:
            return found
        position = self._position(key)
        if position is None:
            raise KeyError(key)
        return bytes(self._digests[position * DIGEST_BYTES : (position + 1) * DIGEST_BYTES])

    def get(self, key: str, default: bytes | None = None) -> bytes | None:  # type: ignore[override]
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (key in self._recent or self._position(key) is not None)

    def __setitem__(self, key: str, value: bytes) -> None:
        if len(value) != DIGEST_BYTES:
            raise ValueError(f"a content digest is {DIGEST_BYTES} bytes, not {len(value)}")
        position = None if key in self._recent else self._position(key)
        if position is not None:
            self._digests[position * DIGEST_BYTES : (position + 1) * DIGEST_BYTES] = value
            return
        self._recent[key] = bytes(value)
        if len(self._recent) > max(_MIN_RECENT, len(self._ends) // 8):
            self._pack()

    def __delitem__(self, key: str) -> None:
        if key in self._recent:
            del self._recent[key]
            return
        if self._position(key) is None:
            raise KeyError(key)
        everything = dict(self.items())  # rare (nothing in the fold deletes): unpack, repack
        del everything[key]
        self._reset(everything)

    def __iter__(self) -> Iterator[str]:
        for position in range(len(self._ends)):
            yield self._id_at(position)
        yield from list(self._recent)

    def __len__(self) -> int:
        return len(self._ends) + len(self._recent)

    def __repr__(self) -> str:
        return f"AcceptedEvents({len(self)} events)"

    # ---- packing ---------------------------------------------------------------------------

    def _id_at(self, position: int) -> str:
        start = self._ends[position - 1] if position else 0
        return self._ids[start : self._ends[position]]

    def _position(self, key: str) -> int | None:
        table = self._table
        mask = len(table) - 1
        slot = hash(key) & mask
        while (found := table[slot]) != 0:
            if self._id_at(found - 1) == key:
                return found - 1
            slot = (slot + 1) & mask
        return None

    def _index(self, first: int) -> None:
        """Enter the packed ids from position `first` on into the table (grown as needed)."""
        count = len(self._ends)
        if 2 * count > len(self._table):
            size = 1 << max(3, (2 * count - 1).bit_length())
            self._table, first = array(_INDEX, bytes(size * array(_INDEX).itemsize)), 0
        table = self._table
        mask = len(table) - 1
        for position in range(first, count):
            slot = hash(self._id_at(position)) & mask
            while table[slot] != 0:
                slot = (slot + 1) & mask
            table[slot] = position + 1

    def _pack(self) -> None:
        """Move the recent entries into the packed ones."""
        first = len(self._ends)
        end = self._ends[-1] if first else 0
        for key in self._recent:
            end += len(key)
            self._ends.append(end)
        self._ids += "".join(self._recent)
        self._digests += b"".join(self._recent.values())
        self._recent = {}
        self._index(first)

    def _reset(self, items: dict[str, bytes]) -> None:
        self._ids, self._ends, self._table = "", array(_INDEX), array(_INDEX, [0])
        self._digests, self._recent = bytearray(), dict(items)
        if self._recent:
            self._pack()

    # ---- pickling (a checkpoint): a handful of objects, whatever the number of events --------

    def __getstate__(self) -> tuple[str, bytes, bytes, str, bytes]:
        recent_ends = array(_INDEX)
        end = 0
        for key in self._recent:
            end += len(key)
            recent_ends.append(end)
        return (
            self._ids,
            self._ends.tobytes(),
            bytes(self._digests),
            "".join(self._recent),
            recent_ends.tobytes() + b"".join(self._recent.values()),
        )

    def __setstate__(self, state: tuple[str, bytes, bytes, str, bytes]) -> None:
        ids, ends, digests, recent_ids, recent = state
        self._ids, self._digests = ids, bytearray(digests)
        self._ends, self._table = array(_INDEX), array(_INDEX, [0])
        self._ends.frombytes(ends)
        self._index(0)
        count = len(recent) // (array(_INDEX).itemsize + DIGEST_BYTES)
        recent_ends = array(_INDEX)
        recent_ends.frombytes(recent[: count * recent_ends.itemsize])
        digests_at = count * recent_ends.itemsize
        self._recent = {}
        start = 0
        for i, end in enumerate(recent_ends):
            self._recent[recent_ids[start:end]] = recent[
                digests_at + i * DIGEST_BYTES : digests_at + (i + 1) * DIGEST_BYTES
            ]
            start = end
