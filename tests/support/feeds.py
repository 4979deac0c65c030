"""An in-memory stream feed with the semantics of the PostgreSQL one (for the hub's unit tests and
the feed contract suite)."""

from __future__ import annotations

from collections.abc import Sequence

from monazite_infra.postgres.feed import FeedRow


class MemoryFeed:
    def __init__(self) -> None:
        self.rows: list[FeedRow] = []

    def append(self, kind: str, markets: Sequence[str], basis: str | None, document: str) -> int:
        seq = (self.rows[-1].seq if self.rows else 0) + 1
        self.rows.append(FeedRow(seq, kind, tuple(markets), basis, document))
        return seq

    async def head(self) -> int:
        return self.rows[-1].seq if self.rows else 0

    async def after(self, seq: int, *, limit: int) -> list[FeedRow]:
        return [r for r in self.rows if r.seq > seq][:limit]

    async def window(
        self,
        after: int,
        up_to: int,
        *,
        kinds: Sequence[str] | None,
        markets: Sequence[str] | None,
        bases: Sequence[str] | None,
    ) -> list[FeedRow]:
        return [
            r
            for r in self.rows
            if after < r.seq <= up_to
            and (kinds is None or r.kind in kinds)
            and (markets is None or set(r.markets) & set(markets))
            and (bases is None or r.basis is None or r.basis in bases)
        ]
