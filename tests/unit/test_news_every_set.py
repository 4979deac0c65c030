"""Every article of every labelled set extracts without failing: a rule that breaks on one
wording would otherwise lose the whole article."""

from __future__ import annotations

from pathlib import Path

import orjson

from monazite_producer.news.article import read_article
from monazite_producer.news.entities import EntityDirectory
from monazite_producer.news.extract import extract_article
from monazite_producer.news_files import load_fx

NEWS = Path(__file__).resolve().parents[2] / "data" / "news"
#: Ids the extractor derives from other fields rather than reads as a party.
_DERIVED_IDS = frozenset({"control_id", "venture_id"})


def test_every_article_of_every_set_extracts(directory: EntityDirectory) -> None:
    fx = load_fx()
    articles = sorted(p for p in NEWS.glob("*/*") if p.suffix in {".txt", ".html"})
    assert len(articles) > 500
    for path in articles:
        article = read_article(path.read_bytes(), path.name)
        for candidate in extract_article(article, directory, fx):
            assert candidate.evidence.article == path.name


def test_every_second_labelling_names_articles_of_its_own_set_and_registered_entities(
    directory: EntityDirectory,
) -> None:
    labellings = sorted((NEWS / "agreement").glob("*.jsonl"))
    assert labellings
    for labelling in labellings:
        articles = {p.name for p in (NEWS / labelling.stem).iterdir()}
        assert (NEWS / f"{labelling.stem}_expected.jsonl").exists()
        facts = [orjson.loads(line) for line in labelling.read_bytes().splitlines() if line]
        assert len({fact["fact"] for fact in facts}) == len(facts), labelling.name
        for fact in facts:
            assert set(fact["articles"]) <= articles, fact["fact"]
            for name, value in fact["fields"].items():
                if name.endswith("_id") and name not in _DERIVED_IDS and value is not None:
                    assert value in directory.entities, f"{fact['fact']}: {name}={value}"
