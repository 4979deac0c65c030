"""News extraction: candidate events read from article text, with evidence and confidence.

The modules of this package are pure (no I/O): `article` reads bytes handed to it, `extract`
applies the rules, `candidates` merges reports of one fact, `evaluation` scores a labelled corpus.
Reading files, publishing and the review queue live in `monazite_producer.news_runtime`.
"""
