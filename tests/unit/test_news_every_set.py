"""Every article of every labelled set extracts without failing: a rule that breaks on one
wording would otherwise lose the whole article."""

from __future__ import annotations

from pathlib import Path

from monazite_producer.news.article import read_article
from monazite_producer.news.entities import EntityDirectory
from monazite_producer.news.extract import extract_article
from monazite_producer.news_files import load_fx

NEWS = Path(__file__).resolve().parents[2] / "data" / "news"


def test_every_article_of_every_set_extracts(directory: EntityDirectory) -> None:
    fx = load_fx()
    articles = sorted(p for p in NEWS.glob("*/*") if p.suffix in {".txt", ".html"})
    assert len(articles) > 500
    for path in articles:
        article = read_article(path.read_bytes(), path.name)
        for candidate in extract_article(article, directory, fx):
            assert candidate.evidence.article == path.name
