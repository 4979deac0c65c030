"""Reading articles from files, folders and stdin, and the data the extractor resolves against."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from monazite_producer.jsonl import parse_file
from monazite_producer.news.article import MAX_ARTICLE_BYTES, UnreadableArticle, read_article
from monazite_producer.news.candidates import Candidate, merge_reports
from monazite_producer.news.entities import EntityDirectory
from monazite_producer.news.extract import extract_article
from monazite_producer.news.fx import FxRates

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REFERENCE = REPO_ROOT / "data" / "reference" / "events.jsonl"
DEFAULT_FX = REPO_ROOT / "data" / "fx" / "rates.csv"
NEWS_DATA = REPO_ROOT / "data" / "news"
CORPUS = NEWS_DATA / "corpus"
EXPECTED = NEWS_DATA / "expected.jsonl"
#: Files a folder is read for; anything else in it is left alone.
ARTICLE_SUFFIXES = frozenset({".txt", ".text", ".html", ".htm", ".md"})


@dataclass(frozen=True)
class Problem:
    """An input that was not read, and why."""

    name: str
    reason: str


@dataclass
class Extraction:
    candidates: list[Candidate] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    articles: int = 0


def article_paths(paths: list[str]) -> Iterator[tuple[str, Path | None]]:
    """(name, path) per input; a folder gives its article files in name order, `-` is stdin."""
    for given in paths:
        if given == "-":
            yield "-", None
            continue
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if child.is_file() and child.suffix.lower() in ARTICLE_SUFFIXES:
                    yield child.name, child
        else:
            yield path.name, path


def read_bytes(path: Path | None) -> bytes:
    """The file's bytes (stdin for None), reading at most one byte beyond the article limit."""
    if path is None:
        return sys.stdin.buffer.read(MAX_ARTICLE_BYTES + 1)
    with path.open("rb") as handle:
        return handle.read(MAX_ARTICLE_BYTES + 1)


def extract_one(
    name: str, raw: bytes, directory: EntityDirectory, fx: FxRates | None
) -> list[Candidate]:
    """Candidates of one article; raises `UnreadableArticle` with the reason."""
    return extract_article(read_article(raw, name), directory, fx)


def extract_paths(paths: list[str], directory: EntityDirectory, fx: FxRates | None) -> Extraction:
    """Every article's candidates, with reports of one fact merged across articles."""
    extraction = Extraction()
    found: list[Candidate] = []
    for name, path in article_paths(paths):
        try:
            found.extend(extract_one(name, read_bytes(path), directory, fx))
            extraction.articles += 1
        except UnreadableArticle as error:
            extraction.problems.append(Problem(name, str(error)))
        except OSError as error:
            extraction.problems.append(Problem(name, f"cannot read: {error.strerror or error}"))
    extraction.candidates = merge_reports(found)
    return extraction


def reference_directory(path: Path = DEFAULT_REFERENCE) -> EntityDirectory:
    """Entities, aliases, recorded control and export controls from a JSON Lines event file."""
    return EntityDirectory.from_events(parse_file(path).events)


def load_fx(path: Path = DEFAULT_FX) -> FxRates:
    return FxRates.parse(path.read_text(encoding="utf-8"))
