"""Extraction from a few sentences in tests: a one-paragraph article, and what it would publish."""

from __future__ import annotations

from typing import Any

from monazite_producer.news.article import read_article
from monazite_producer.news.candidates import Candidate
from monazite_producer.news.entities import EntityDirectory
from monazite_producer.news.extract import DEFAULT_THRESHOLD, extract_article
from monazite_producer.news_files import load_fx

#: A Tuesday: "on Friday" is 2025-05-30, "yesterday" 2025-06-02.
ARTICLE_DATE = "2025-06-03"


def extract(
    directory: EntityDirectory, body: str, *, title: str = "Test", day: str = ARTICLE_DATE
) -> list[Candidate]:
    """The candidates of an article with this title, date and body."""
    text = f"Title: {title}\nDate: {day}\nURL: https://news.example/t\n\n{body}\n"
    return extract_article(read_article(text.encode(), "t.txt"), directory, load_fx())


def fields(candidate: Candidate) -> dict[str, Any]:
    return candidate.event.model_dump(mode="json", exclude_none=True, exclude={"source"})


def published(candidates: list[Candidate], kind: str) -> list[dict[str, Any]]:
    """The events of `kind` confident enough to be published."""
    return [
        fields(c) for c in candidates if c.event.type == kind and c.confidence >= DEFAULT_THRESHOLD
    ]


def only(candidates: list[Candidate], kind: str) -> dict[str, Any]:
    [document] = published(candidates, kind)
    return document
