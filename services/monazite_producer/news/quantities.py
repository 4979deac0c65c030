"""Money, percentages, tonnes and dates as articles write them; every value is the text's own.

Nothing here guesses: a figure is returned only where the text spells it out, with its character
span, and `approximate` says when the text hedged it ("roughly 15%", "about US$138m").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

_APPROXIMATE = re.compile(
    r"(?:about|around|roughly|approximately|some|nearly|almost|close to|an estimated|estimated"
    # "no more than 1,200 tonnes" is a ceiling, stated exactly.
    # "revised up to 272,000 t" moved a figure up to an exact one.
    r"|(?<!revised )(?<!raised )(?<!moved )(?<!marked )up to|(?<!\bno )more than|over|~)\s*$",
    re.IGNORECASE,
)

_SCALES: dict[str, Decimal] = {
    "thousand": Decimal(10) ** 3,
    "k": Decimal(10) ** 3,
    "million": Decimal(10) ** 6,
    "mn": Decimal(10) ** 6,
    "mln": Decimal(10) ** 6,
    "m": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
    "bn": Decimal(10) ** 9,
    "b": Decimal(10) ** 9,
    "trillion": Decimal(10) ** 12,
}

#: Currency spellings before the number, longest first so that "US$" wins over "$".
_PREFIX_CURRENCIES: tuple[tuple[str, str], ...] = (
    ("US$", "USD"),
    ("USD", "USD"),
    ("AU$", "AUD"),
    ("A$", "AUD"),
    ("AUD", "AUD"),
    ("CA$", "CAD"),
    ("C$", "CAD"),
    ("CAD", "CAD"),
    ("HK$", "HKD"),
    ("HKD", "HKD"),
    ("NZ$", "NZD"),
    ("CNY", "CNY"),
    ("RMB", "CNY"),
    ("¥", "CNY"),
    ("€", "EUR"),
    ("EUR", "EUR"),
    ("£", "GBP"),
    ("GBP", "GBP"),
    ("JPY", "JPY"),
    ("VND", "VND"),
    ("MYR", "MYR"),
    ("KRW", "KRW"),
    ("₩", "KRW"),
    ("INR", "INR"),
    ("₹", "INR"),
    ("$", "USD"),
)
#: Currency words after the number, longest first.
_SUFFIX_CURRENCIES: tuple[tuple[str, str], ...] = (
    ("australian dollars", "AUD"),
    ("canadian dollars", "CAD"),
    ("hong kong dollars", "HKD"),
    ("us dollars", "USD"),
    ("u.s. dollars", "USD"),
    ("dollars", "USD"),
    ("yuan", "CNY"),
    ("renminbi", "CNY"),
    ("euros", "EUR"),
    ("euro", "EUR"),
    ("pounds sterling", "GBP"),
    ("pounds", "GBP"),
    ("yen", "JPY"),
    ("dong", "VND"),
    ("ringgit", "MYR"),
    ("rupees", "INR"),
    ("won", "KRW"),
)

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE_WORDS = r"thousand|million|billion|trillion|bn|mln|mn|m|b|k"
_MONEY = re.compile(
    r"(?P<prefix>"
    + "|".join(
        re.escape(spelling) if not spelling.isalpha() else rf"\b{spelling}"
        for spelling, _code in _PREFIX_CURRENCIES
    )
    + r")?\s?"
    rf"(?P<number>{_NUMBER})"
    rf"(?:\s?(?P<scale>{_SCALE_WORDS})\b)?"
    r"(?:\s(?P<suffix>"
    + "|".join(re.escape(spelling) for spelling, _code in _SUFFIX_CURRENCIES)
    + r")\b)?",
    re.IGNORECASE,
)
_PERCENT = re.compile(rf"(?P<number>{_NUMBER})\s?(?:%|per\s?cent\b|percent\b)", re.IGNORECASE)
_TONNES = re.compile(
    rf"(?P<number>{_NUMBER})(?:\s?(?P<scale>thousand|million|k)\b)?\s?"
    # A legal text repeats the number in words: "1,500 (one thousand five hundred) tonnes".
    r"(?:\([a-z][a-z -]{2,60}\)\s)?"
    r"(?P<unit>kilotonnes|kilotons|kt|tonnes|tons|metric tons|mt|t)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str
    start: int
    end: int
    approximate: bool


@dataclass(frozen=True, slots=True)
class Quantity:
    value: Decimal
    start: int
    end: int
    approximate: bool


def plain(value: Decimal) -> Decimal:
    """`value` without exponent notation: 1E+9 is written 1000000000."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _decimal(number: str) -> Decimal | None:
    try:
        return Decimal(number.replace(",", ""))
    except InvalidOperation:
        return None


def _hedged(text: str, start: int) -> bool:
    return _APPROXIMATE.search(text[max(0, start - 20) : start]) is not None


def find_money(text: str, *, dollar: str = "USD") -> list[Money]:
    """Every amount with a currency the text names (a bare number is not money). A bare "$" is
    `dollar`: the US dollar unless the article is from a country with dollars of its own."""
    found: list[Money] = []
    for match in _MONEY.finditer(text):
        prefix, suffix = match["prefix"], match["suffix"]
        if not prefix and not suffix:
            continue
        currency = dollar if prefix == "$" else _currency_of(prefix, suffix)
        value = _decimal(match["number"])
        if currency is None or value is None:
            continue
        scale = match["scale"]
        if scale:
            value *= _SCALES[scale.lower()]
        if value <= 0:
            continue
        found.append(
            Money(plain(value), currency, match.start(), match.end(), _hedged(text, match.start()))
        )
    for match in _WORDED_MONEY.finditer(text):
        value = number_in_words(match["words"])
        currency = _currency_of(None, match["suffix"])
        if value is None or value <= 0 or currency is None:
            continue
        found.append(
            Money(plain(value), currency, match.start(), match.end(), _hedged(text, match.start()))
        )
    return sorted(found, key=lambda money: money.start)


def _currency_of(prefix: str | None, suffix: str | None) -> str | None:
    if prefix:
        for spelling, code in _PREFIX_CURRENCIES:
            if prefix.upper() == spelling.upper():
                return code
    if suffix:
        for spelling, code in _SUFFIX_CURRENCIES:
            if suffix.lower() == spelling:
                return code
    return None


#: Fractions written in words that are exact percentages ("a fifth", "three-quarters"); thirds
#: are left out, as no exact percentage can be given for them.
_FRACTIONS = {
    "a tenth": 10,
    "one tenth": 10,
    "a fifth": 20,
    "one fifth": 20,
    "a quarter": 25,
    "one quarter": 25,
    "two fifths": 40,
    "three fifths": 60,
    "three quarters": 75,
    "four fifths": 80,
    "three tenths": 30,
    "seven tenths": 70,
    "nine tenths": 90,
}
_FRACTION = re.compile(
    r"\b(?P<fraction>(?:a|one|two|three|four|seven|nine)[- ](?:tenths?|fifths?|quarters?))\b"
    r"(?!\s+(?:of (?:a|an|the) (?:year|century|hour)|century|hour|mile))",
    re.IGNORECASE,
)


_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
    " fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70}
_TENS |= {"eighty": 80, "ninety": 90}
_WORD_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9}
_COUNT_WORD = rf"(?:{'|'.join([*_UNITS, *_TENS])})"
_NUMBER_WORD = rf"(?:{_COUNT_WORD}|hundred|{'|'.join(_WORD_SCALES)}|a half)"
_DIGIT_WORD = rf"(?:{'|'.join(_UNITS[:10])})"
#: A number in words, opening with a count: "seventy", "thirty-five", "six hundred and twenty
#: million", "thirty-five and a half million", "nine point five".
_NUMBER_IN_WORDS = (
    # "a hundred and twenty million": "a hundred" opens a number too
    rf"\b(?:{_COUNT_WORD}|a hundred)(?:(?:[- ]|\s+and\s+){_NUMBER_WORD})*"
    rf"(?:\s+point(?:\s+{_DIGIT_WORD})+)?\b"
)
#: A percentage in words: "seventy per cent", "thirty-five percent", "nine point five percent".
_WORDED_PERCENT = re.compile(
    rf"(?P<words>{_NUMBER_IN_WORDS})\s+(?:per\s?cent|percent)\b", re.IGNORECASE
)
#: A tonnage in words: "two thousand four hundred and ten tonnes".
_WORDED_TONNES = re.compile(
    rf"(?P<words>{_NUMBER_IN_WORDS})\s+(?:tonnes|tons|metric tons)\b", re.IGNORECASE
)
#: Money in words: "twenty-seven million dollars", "six hundred and twenty million euros".
_WORDED_MONEY = re.compile(
    rf"(?P<words>{_NUMBER_IN_WORDS})\s+(?P<suffix>"
    + "|".join(re.escape(spelling) for spelling, _code in _SUFFIX_CURRENCIES)
    + r")\b",
    re.IGNORECASE,
)


def number_in_words(words: str) -> Decimal | None:
    """The value of a number written in words ("six hundred and twenty million" is 620000000,
    "nine point five" is 9.5); None when a word is not a number."""
    whole, _, decimals = words.lower().partition(" point ")
    total = current = Decimal(0)
    spelt = whole.replace("a half", "half").replace("a hundred", "hundred")
    for word in re.split(r"[- ]+", spelt.strip()):
        if word in ("", "and"):
            continue
        if word in _UNITS:
            current += _UNITS.index(word)
        elif word in _TENS:
            current += _TENS[word]
        elif word == "half":
            current += Decimal("0.5")
        elif word == "hundred":
            current = (current or Decimal(1)) * 100
        elif word in _WORD_SCALES:
            total += (current or Decimal(1)) * _WORD_SCALES[word]
            current = Decimal(0)
        else:
            return None
    value = total + current
    if decimals:
        digits = [_UNITS.index(d) for d in decimals.split() if d in _UNITS[:10]]
        value += Decimal("0." + "".join(str(d) for d in digits)) if digits else 0
    return value


def find_percentages(text: str) -> list[Quantity]:
    found = []
    for match in _WORDED_PERCENT.finditer(text):
        value = number_in_words(match["words"])
        if value is not None and value <= 100:
            found.append(Quantity(value, match.start(), match.end(), _hedged(text, match.start())))
    for match in _PERCENT.finditer(text):
        value = _decimal(match["number"])
        if value is not None and value <= 100:
            found.append(Quantity(value, match.start(), match.end(), _hedged(text, match.start())))
    for match in _FRACTION.finditer(text):
        words = re.sub(r"[- ]+", " ", match["fraction"].lower())
        if words in _FRACTIONS:
            found.append(
                Quantity(
                    Decimal(_FRACTIONS[words]),
                    match.start(),
                    match.end(),
                    _hedged(text, match.start()),
                )
            )
    return sorted(found, key=lambda quantity: quantity.start)


def find_tonnes(text: str) -> list[Quantity]:
    """Tonnages in metric tonnes ("5,000 tonnes", "94.5 kt", "12 thousand tonnes")."""
    found = []
    for match in _TONNES.finditer(text):
        value = _decimal(match["number"])
        if value is None:
            continue
        unit = match["unit"].lower()
        if unit in ("t", "mt") and match["number"].isdigit() and len(match["number"]) == 4:
            continue  # "2025 t" is not a tonnage worth trusting; years look the same
        if unit in ("kt", "kilotonnes", "kilotons"):
            value *= 1000
        if match["scale"]:
            value *= _SCALES[match["scale"].lower()]
        found.append(
            Quantity(plain(value), match.start(), match.end(), _hedged(text, match.start()))
        )
    for match in _WORDED_TONNES.finditer(text):
        # "two thousand four hundred and ten tonnes", unless the digits are given beside it
        worded = number_in_words(match["words"])
        if (
            worded is not None
            and worded > 0
            and not any(
                q.start <= match.start() < q.end or match.start() <= q.start < match.end()
                for q in found
            )
        ):
            found.append(
                Quantity(plain(worded), match.start(), match.end(), _hedged(text, match.start()))
            )
    return sorted(found, key=lambda quantity: quantity.start)


MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
#: "1 July 2026", "26th June, 2026" and a gazette's "the 1st day of January, 2027".
_DAY_MONTH_YEAR = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:day\s+of\s+)?{_MONTH},?\s+(?P<year>(?:19|20)\d\d)\b",
    re.I,
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>(?:19|20)\d\d)\b", re.I
)
#: "29/06/2026", "09/02/2026": a date written in numbers with slashes.
_NUMERIC_DATE = re.compile(r"\b(?P<first>\d{1,2})/(?P<second>\d{1,2})/(?P<year>(?:19|20)\d\d)\b")
_ISO_DATE = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b")
#: "at the start of 2026", "from the beginning of 2026": the first of January.
_START_OF_YEAR = re.compile(
    r"\b(?:the )?(?:start|beginning|turn) of (?P<year>(?:19|20)\d\d)\b", re.I
)
#: "from the first of January", "the 1st of July": the first day of a month with no year.
_FIRST_OF = re.compile(
    rf"\b(?:the )?(?:first|1st) (?:day )?of {_MONTH}\b(?!\s*,?\s*(?:19|20)\d\d)", re.I
)
#: "from the start of next year", "at the beginning of July this year": the first day of it.
_START_OF = re.compile(
    rf"\b(?:the )?(?:start|beginning) of (?:(?P<which>next|this) year|{_MONTH}"
    r"(?:\s+(?P<month_year>next|this) year)?)\b(?!\s*,?\s*(?:19|20)\d\d)",
    re.I,
)
_MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+(?P<year>(?:19|20)\d\d)\b", re.I)
#: "in early 2025", "by mid-2024", "late 2023": a part of a year, dated by its first month.
_PART_OF_YEAR = re.compile(r"\b(?P<part>early|mid|late)[- ](?P<year>(?:19|20)\d\d)\b", re.I)
_PART_MONTHS = {"early": 1, "mid": 6, "late": 10}
_MONTH_DAY = re.compile(rf"\b(?:on\s+)?{_MONTH}\s+(?P<day>\d{{1,2}})\b(?!,?\s+\d{{4}})", re.I)
#: "1 July" with no year.
_DAY_MONTH = re.compile(rf"\b(?P<day>\d{{1,2}})\s+{_MONTH}(?![\w.]|\s*,?\s*\d{{4}})", re.I)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_RELATIVE = re.compile(
    rf"\b(?P<word>today|yesterday|tomorrow|(?:on|last|this past|since|next)\s+{_WEEKDAY})\b",
    re.I,
)
_WEEKDAY_AHEAD = re.compile(rf"\b(?:from|starting|effective|as of)\s+(?P<day>{_WEEKDAY})\b", re.I)
_YEAR = re.compile(r"\b(?:in|for|during|of)\s+(?P<year>(?:19|20)\d\d)\b", re.I)


@dataclass(frozen=True, slots=True)
class DateMention:
    value: date
    start: int
    end: int
    #: "day" when the text gives the day, "month" when only month and year (the 1st is used).
    precision: str


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str, *, article_date: date | None = None) -> list[DateMention]:
    """Dates the text gives: absolute ones, and relative ones against the article's date."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def add(value: date | None, start: int, end: int, precision: str) -> None:
        if value is None or any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        found.append(DateMention(value, start, end, precision))

    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        for match in pattern.finditer(text):
            month = MONTHS[match["month"].lower()]
            value = _safe_date(int(match["year"]), month, int(match["day"]))
            add(value, match.start(), match.end(), "day")
    for match in _ISO_DATE.finditer(text):
        value = _safe_date(int(match["year"]), int(match["month"]), int(match["day"]))
        add(value, match.start(), match.end(), "day")
    for match in _NUMERIC_DATE.finditer(text):
        leading, trailing = int(match["first"]), int(match["second"])
        # Day first, as forms outside the US write it, unless only month first can be right.
        day_of, month_of = (trailing, leading) if leading <= 12 < trailing else (leading, trailing)
        add(_safe_date(int(match["year"]), month_of, day_of), match.start(), match.end(), "day")
    for match in _START_OF_YEAR.finditer(text):
        add(date(int(match["year"]), 1, 1), match.start(), match.end(), "month")
    for match in _PART_OF_YEAR.finditer(text):
        month = _PART_MONTHS[match["part"].lower()]
        add(date(int(match["year"]), month, 1), match.start(), match.end(), "month")
    for match in _END_OF_MONTH.finditer(text):
        # "until the end of February 2028": the month's last day
        month = MONTHS[match["month"].lower()]
        following = date(int(match["year"]) + month // 12, month % 12 + 1, 1)
        add(following - timedelta(days=1), match.start(), match.end(), "day")
    for match in _END_OF_YEAR.finditer(text):
        add(date(int(match["year"]), 12, 1), match.start(), match.end(), "month")
    for match in _MONTH_YEAR.finditer(text):
        month = MONTHS[match["month"].lower()]
        add(date(int(match["year"]), month, 1), match.start(), match.end(), "month")
    if article_date is not None:
        for match in [*_MONTH_DAY.finditer(text), *_DAY_MONTH.finditer(text)]:
            month = MONTHS[match["month"].lower()]
            if match["month"].lower() == "may" and not match["day"]:
                continue
            value = _safe_date(article_date.year, month, int(match["day"]))
            ahead = _points_ahead(text, match.start())
            if (
                value is not None
                and value > article_date
                and not ahead
                and _EFFECT_FROM.search(text[max(0, match.start() - 25) : match.start()])
            ):
                # "with effect from 1 July" in a present-tense sentence: the nearer 1 July.
                earlier = _safe_date(article_date.year - 1, month, int(match["day"]))
                if earlier is not None and (value - article_date) < (article_date - earlier):
                    ahead = True
            if value is not None and value > article_date and not ahead:
                value = _safe_date(article_date.year - 1, month, int(match["day"]))
            elif value is not None and value < article_date and ahead:
                value = _safe_date(article_date.year + 1, month, int(match["day"]))
            add(value, match.start(), match.end(), "day")
        for match in _WEEKDAY_AHEAD.finditer(text):
            if _FUTURE.search(text):
                # "will carry a duty from Thursday": the next Thursday.
                weekday = _WEEKDAYS.index(match["day"].lower())
                days_ahead = (weekday - article_date.weekday() - 1) % 7 + 1
                add(article_date + timedelta(days=days_ahead), match.start(), match.end(), "day")
            else:
                # "has banned exports from Sunday": the latest Sunday.
                day = relative_date(f"on {match['day']}", article_date)
                add(day, match.start(), match.end(), "day")
        for match in _RELATIVE.finditer(text):
            add(relative_date(match["word"], article_date), match.start(), match.end(), "day")
        for match in _FIRST_OF.finditer(text):
            first = date(article_date.year, MONTHS[match["month"].lower()], 1)
            if first < article_date and _FUTURE.search(text):
                first = date(article_date.year + 1, first.month, 1)  # "will … from the first of"
            add(first, match.start(), match.end(), "day")
        for match in _START_OF.finditer(text):
            which = (match["which"] or match["month_year"] or "this").lower()
            year = article_date.year + (1 if which == "next" else 0)
            month = MONTHS[match["month"].lower()] if match["month"] else 1
            add(date(year, month, 1), match.start(), match.end(), "day")
        for match in _NEXT_MONTH.finditer(text):
            following = _first_of_next_month(article_date)
            add(following, match.start(), match.end(), "day" if match["first"] else "month")
        for match in _BARE_MONTH.finditer(text):
            add(_bare_month(text, match, article_date), match.start(), match.end(), "month")
    found.sort(key=lambda d: d.start)
    return found


#: A day the text says something will happen from or until: "will need a licence from August 1",
#: "runs until November 10". Such a day without a year is the next one, not the last.
_UNTIL_BEFORE = re.compile(
    r"\b(?:until|till|(?:pause|suspension|exemption|waiver) (?:ends|expires|runs out)(?: on)?)\s+$",
    re.IGNORECASE,
)
#: Words that point ahead only in a sentence about the future ("from August 1" may be past).
_AHEAD_IN_FUTURE = re.compile(
    r"\b(?:from|effective|starting|beginning|as of|on or after|by|takes effect|take effect"
    r"|comes into force|come into force)\s+(?:on\s+)?$"
    r"|\b(?:through|to)\s+$"
    # "when the suspension runs out on 10 November, the measures will be repealed"
    r"|\b(?:runs? out|expires?|ends?|lapses?)\s+on\s+$",
    re.IGNORECASE,
)
_FUTURE = re.compile(
    r"\b(?:will|shall|is to|are to|is due|are due|would|going to"
    # A measure announced in the present ("Laos bans exports … from April 1") starts ahead.
    r"|bans|imposes|requires|prohibits|restricts|applies|takes effect|comes into"
    # "as of July 1 the department guarantees Lynas a minimum price"
    r"|guarantees|charges"
    # "The pause runs from Tuesday, September 1, until August 31, 2027"
    r"|runs|lasts)\b",
    re.I,
)


#: "the end of February 2028": the last day of that month.
_END_OF_MONTH = re.compile(rf"\b(?:the )?end of {_MONTH},?\s+(?P<year>(?:19|20)\d\d)\b", re.I)

#: "at the end of 2024": its last month.
_END_OF_YEAR = re.compile(r"\b(?:the )?end of (?P<year>(?:19|20)\d\d)\b", re.I)
#: "from the first day of next month", "next month".
_NEXT_MONTH = re.compile(r"\b(?P<first>the (?:first|1st) (?:day )?of )?next month\b", re.I)


def _first_of_next_month(article_date: date) -> date:
    if article_date.month == 12:
        return date(article_date.year + 1, 1, 1)
    return date(article_date.year, article_date.month + 1, 1)


#: A month the text names with no other anchor: "in July", "since March", "last April", "the
#: July agreement".
_THE_MONTHS_DEAL = (
    r"|\bthe\s+{month}\s+(?:agreement|deal|package|accord|announcement|notice|rules|measures"
    r"|controls|decision|transaction)\b"
)
_BARE_MONTH = re.compile(
    rf"\b(?:in|since|last|during)\s+{_MONTH}(?!\s*\d)"
    + _THE_MONTHS_DEAL.format(month=_MONTH.replace("(?P<month>", "(?P<named>")),
    re.I,
)


def _bare_month(text: str, match: re.Match[str], article_date: date) -> date:
    """The month meant: the latest one up to the article's month, or in a sentence about the
    future, the next one from it."""
    month = MONTHS[(match["month"] or match["named"]).lower()]
    value = date(article_date.year, month, 1)
    current = date(article_date.year, article_date.month, 1)
    if _FUTURE.search(text) and not match.group().lower().startswith(("since", "last")):
        return value if value >= current else date(article_date.year + 1, month, 1)
    return value if value <= current else date(article_date.year - 1, month, 1)


_EFFECT_FROM = re.compile(r"\b(?:with effect from|effective(?: from)?|from)\s+$", re.I)


def _points_ahead(text: str, start: int) -> bool:
    before = text[max(0, start - 35) : start]
    # "from Tuesday, September 1": the weekday names the same day
    before = re.sub(rf"\b{_WEEKDAY},?\s+$", "", before, flags=re.IGNORECASE)
    if _UNTIL_BEFORE.search(before):
        return True
    return _AHEAD_IN_FUTURE.search(before) is not None and _FUTURE.search(text) is not None


def relative_date(word: str, article_date: date) -> date:
    """ "yesterday", "today", "tomorrow", "on Tuesday" or "since Tuesday" (the latest Tuesday on
    or before the article's date), "next Tuesday" (the first Tuesday after it), or "last
    Tuesday" / "this past Tuesday" (the latest Tuesday before it: an article dated on a Tuesday
    would say "today", not "last Tuesday", of its own day)."""
    word = " ".join(word.lower().split())
    if word == "today":
        return article_date
    if word == "yesterday":
        return article_date - timedelta(days=1)
    if word == "tomorrow":
        return article_date + timedelta(days=1)
    qualifier, _, day = word.rpartition(" ")
    weekday = _WEEKDAYS.index(day)
    if qualifier == "next":
        return article_date + timedelta(days=(weekday - article_date.weekday() - 1) % 7 + 1)
    if qualifier in ("on", "since"):
        return article_date - timedelta(days=(article_date.weekday() - weekday) % 7)
    return article_date - timedelta(days=(article_date.weekday() - weekday - 1) % 7 + 1)


def find_years(text: str) -> list[int]:
    """Years a figure is for: "in 2024", "for 2025"."""
    return [int(m["year"]) for m in _YEAR.finditer(text)]
