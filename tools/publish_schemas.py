"""Write the snapshot of every event schema version not yet published to `contracts/schemas/`.

A snapshot is `<type>.v<schema_version>.json`, committed and kept forever. A model change that
alters a published schema must come with a new `schema_version`; this tool refuses to overwrite a
snapshot with different content and says so.

Run from the repository root: `.venv/bin/python tools/publish_schemas.py [--directory DIR]`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from monazite_infra.contracts import SnapshotConflict, write_snapshots

REPO_ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT_DIRECTORY = REPO_ROOT / "contracts" / "schemas"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--directory", type=Path, default=SNAPSHOT_DIRECTORY)
    arguments = parser.parse_args(argv)
    try:
        written = write_snapshots(arguments.directory)
    except SnapshotConflict as conflict:
        print(f"refused: {conflict}", file=sys.stderr)
        return 1
    for name in written:
        print(f"wrote {arguments.directory / name}")
    if not written:
        print("every schema version is already published")
    return 0


if __name__ == "__main__":
    sys.exit(main())
