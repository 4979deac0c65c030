"""An article as the extractor reads it: plain text or HTML bytes in, text and metadata out.

Plain text may open with header lines (`Title:`, `Date:`, `URL:`, `Publisher:`); HTML gives them
in `<title>`, `<meta>` and `<link rel="canonical">`. A dateline ("BEIJING, June 3, 2025 -") dates
an article without a header. Evidence offsets are character offsets into `Article.text`: the
file's own text for plain text, the text left after removing the markup for HTML.

Input that cannot be an article is refused with the reason (`UnreadableArticle`): empty, binary,
larger than `MAX_ARTICLE_BYTES`, or not in English (the rules read English only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlparse

from monazite_producer.news.quantities import find_dates

MAX_ARTICLE_BYTES = 512 * 1024

_HEADER = re.compile(r"^(?P<key>title|date|url|publisher|source)\s*:\s*(?P<value>.+)$", re.I)
_DATELINE = re.compile(r"^\s*[A-Z][A-Za-z .'/-]{1,40},\s+(?P<date>[^-—–(]{6,40}?)\s*(?:\(|[-—–])")
_ENGLISH_WORDS = frozenset(
    "the of and to in a is that for on with as by at from its it has was said will be an are"
    " which this were have after".split()
)
_BLOCK_TAGS = frozenset(
    "p div br h1 h2 h3 h4 h5 h6 li ul ol article section header footer tr table blockquote"
    " title".split()
)


class UnreadableArticle(Exception):
    """The input is not an article the extractor can read; the message says why."""


@dataclass(frozen=True)
class Article:
    name: str
    text: str
    title: str | None = None
    published: date | None = None
    url: str | None = None
    publisher: str | None = None

    @property
    def source_publisher(self) -> str:
        """Who published it: the named publisher, else the URL's host, else the file name."""
        if self.publisher:
            return self.publisher
        if self.url and (host := urlparse(self.url).hostname):
            return host.removeprefix("www.")
        return f"article {self.name}"


def quoted(article: Article, quote: str) -> tuple[int, int] | None:
    """Where `quote` stands in the article's text, as (start, end) character offsets, with runs of
    whitespace matching any other run (a sentence copied from a wrapped line); None when the
    article does not say it."""
    words = quote.split()
    if not words:
        return None
    found = re.search(r"\s+".join(re.escape(word) for word in words), article.text)
    return None if found is None else (found.start(), found.end())


def read_article(raw: bytes, name: str) -> Article:
    """The article in `raw` (UTF-8 text or HTML); raises `UnreadableArticle` with the reason."""
    if len(raw) > MAX_ARTICLE_BYTES:
        raise UnreadableArticle(
            f"too large: {len(raw):,} bytes, above the {MAX_ARTICLE_BYTES:,}-byte limit of an"
            " article"
        )
    if not raw.strip():
        raise UnreadableArticle("empty: no text to read")
    if b"\x00" in raw[:4096]:
        raise UnreadableArticle("binary: not a text or HTML file")
    try:
        decoded = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableArticle(
            f"binary or not UTF-8: undecodable byte at offset {error.start}"
        ) from None
    article = _from_html(decoded, name) if _looks_like_html(decoded) else _from_text(decoded, name)
    _require_english(article.text)
    return article


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:500].lower()
    return head.startswith(("<!doctype html", "<html")) or "<body" in head or "<p>" in head


def _from_text(text: str, name: str) -> Article:
    headers: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if headers:
                break
            continue
        match = _HEADER.match(line.strip())
        if match is None:
            break
        headers[match["key"].lower()] = match["value"].strip()
    published = _parse_day(headers.get("date")) or _dateline_date(text)
    return Article(
        name=name,
        text=text,
        title=headers.get("title"),
        published=published,
        url=headers.get("url"),
        publisher=headers.get("publisher") or headers.get("source"),
    )


def _parse_day(value: str | None) -> date | None:
    if not value:
        return None
    days = [d for d in find_dates(value) if d.precision == "day"]
    return days[0].value if days else None


def _dateline_date(text: str) -> date | None:
    for line in text.splitlines():
        if line.strip():
            match = _DATELINE.match(line)
            if match is not None and (day := _parse_day(match["date"])) is not None:
                return day
    # The dateline may follow a title line: look at the first few paragraphs only.
    for line in [ln for ln in text.splitlines() if ln.strip()][1:4]:
        match = _DATELINE.match(line)
        if match is not None and (day := _parse_day(match["date"])) is not None:
            return day
    return None


#: Parts of a page that are not the article.
_NOT_ARTICLE = frozenset({"script", "style", "noscript", "nav", "aside", "footer"})
_NOT_ARTICLE_CLASS = re.compile(
    r"\b(?:related|sidebar|newsletter|cookie|share|promo|advert|more-on|recommended)\w*", re.I
)


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        #: The tags being skipped, innermost last: scripts, and the page's navigation,
        #: sidebars, related links and footer, which are not the article.
        self._skipping: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k.lower(): v or "" for k, v in attrs}
        nested = bool(self._skipping) and tag == self._skipping[-1]
        boilerplate = tag in ("div", "section", "ul", "ol") and bool(
            _NOT_ARTICLE_CLASS.search(f"{attributes.get('class', '')} {attributes.get('id', '')}")
        )
        if nested or tag in _NOT_ARTICLE or boilerplate:
            self._skipping.append(tag)
        elif tag == "title":
            self._in_title = True
        elif tag == "meta":
            key = attributes.get("property") or attributes.get("name") or ""
            if key and "content" in attributes:
                self.meta[key.lower()] = attributes["content"]
        elif tag == "link" and attributes.get("rel", "").lower() == "canonical":
            self.canonical = attributes.get("href") or None
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and tag == self._skipping[-1]:
            self._skipping.pop()
        elif tag == "title":
            self._in_title = False
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        if self._in_title:
            self.title_parts.append(data)
            return
        self.parts.append(data)


def _from_html(markup: str, name: str) -> Article:
    parser = _HtmlText()
    parser.feed(markup)
    parser.close()
    raw_text = "".join(parser.parts)
    lines = [" ".join(line.split()) for line in raw_text.splitlines()]
    text = "\n".join(line for line in lines if line)
    meta = parser.meta
    title = meta.get("og:title") or " ".join("".join(parser.title_parts).split()) or None
    published = None
    for key in ("article:published_time", "date", "pubdate", "dc.date"):
        if meta.get(key):
            published = _parse_day(meta[key][:10]) or _parse_day(meta[key])
            if published:
                break
    return Article(
        name=name,
        text=text,
        title=title,
        published=published or _dateline_date(text),
        url=meta.get("og:url") or parser.canonical,
        publisher=meta.get("og:site_name") or None,
    )


def _require_english(text: str) -> None:
    words = re.findall(r"[^\W\d_]+", text.lower())
    letters = sum(len(w) for w in words)
    if letters < 40:
        raise UnreadableArticle("too short: fewer than 40 letters of text")
    latin = sum(1 for ch in text if "a" <= ch.lower() <= "z")
    english = sum(1 for w in words if w in _ENGLISH_WORDS)
    if latin < 0.6 * letters or english < 0.05 * len(words):
        raise UnreadableArticle(
            "not English: the extraction rules read English text only"
            f" ({english} of {len(words)} words are common English words)"
        )
