from __future__ import annotations

import pytest

from monazite_producer.news.entities import EntityDirectory
from monazite_producer.news_files import reference_directory


@pytest.fixture(scope="session")
def directory() -> EntityDirectory:
    """The registered entities of the reference data, as the news extractor resolves them."""
    return reference_directory()
