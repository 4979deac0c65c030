"""Stake changes: shares bought or sold, holdings that moved, ended, or are given before and
after. Pure.
"""

from __future__ import annotations

import re
from decimal import Decimal

from monazite_producer.news.entities import Mention
from monazite_producer.news.quantities import (
    Quantity,
    find_percentages,
    number_in_words,
    plain,
)
from monazite_producer.news.reading import (
    FIRST_PERSON,
    REFERRED_CAP,
    THE_COMPANY,
    Draft,
    Reading,
    Sentence,
    consideration,
    consideration_field,
    is_company,
)
from monazite_producer.news.rules.funding import state_body, unnamed_government

_STAKE_VERB = re.compile(
    # Nouns of a deal count in the singular only: "further acquisitions" names no deal.
    r"\b(?:acquir\w*|acquisition|takeover|buy-?out|buy(?:s|ing)?|bought|purchas(?!es\b)\w*"
    r"|tak(?:e|es|ing|en)|took|rais\w*|increas\w*|subscrib\w*"
    r"|lift(?:s|ed|ing)?|boost\w*|add(?:s|ed|ing)? to|sell(?:s|ing)?|sold|cut(?:s|ting)?"
    r"|reduc\w*|lower\w*|halv\w*|divest\w*|offload\w*|trim\w*|spen[dt]\w*"
    r"|(?:pick(?:s|ed|ing)?|snap(?:s|ped|ping)?|scoop(?:s|ed|ing)?|buil[dt](?:s|ing)?) up"
    r"|secur(?:e|es|ed|ing)"
    r"|obtain\w*|amass\w*|accumulat\w*|top(?:s|ped|ping)? up|up(?:s|ped|ping) (?:its|their)"
    r"|par(?:e|es|ed|ing) (?:back|down|its|their)|dispos(?:e|es|ed|ing) of|exit\w*|dump\w*"
    r"|sold down|sells? down|emerg\w* with|grab\w*|land(?:s|ed|ing)? a|doubl\w*|tripl\w*"
    # "has become a substantial holder of Peak with a 6.1% stake"
    r"|bec(?:ome|omes|ame|oming) (?:the|a) controlling (?:share)?holder"
    r"|bec(?:ome|omes|ame|oming) (?:a|the) (?:new )?(?:substantial|major|significant|large"
    r"|largest|biggest|second-largest|top) (?:share)?holder"
    r"(?=\s+(?:of|in)\s+[^,;%]{1,60}?\s+with\s+(?:a|an)\s+(?:about\s+)?\d)"
    # "completed a deal that gives it full control of Niron"
    r"|giv(?:es|e|ing) (?:it|them|the group|the company) (?:full |outright |majority )?control"
    r"|hold(?:s|ing)? a stake|ends? up (?:with|holding|owning)|will (?:own|hold)"
    r"|pa(?:id|ys|ying)\b[^.;]{0,40}?\bfor (?:newly[- ]issued |new )?(?:common |ordinary )?"
    r"(?:shares|stock))\b",
    re.I,
)

_STAKE_WORD = re.compile(
    r"(?:%|per ?cent) of (?-i:[A-Z])|\ball of (?-i:[A-Z])"
    r"|\b(?:a|one|two|three|four|nine)[- ](?:half|thirds?|quarters?|fifths?|tenths?) of (?-i:[A-Z])"
    r"|\bevery (?:common |ordinary )?share\b|\b(?:now |wholly |fully )+owned by\b"
    r"|\b(?:stake|holding|shareholding|interest|shares|stock|share capital|control|the rest of"
    r"|remaining|outright|shareholder"
    r"|takeover|equity|majority|the balance of)\b",
    re.I,
)

SELL = re.compile(
    r"\b(?:sell(?:s|ing)?|sold|cut(?:s|ting)?|reduc\w*|lower\w*|halv\w*|divest\w*|offload\w*"
    r"|trim\w*|dispos(?:e|es|ed|ing) of)\b",
    re.I,
)

WHOLE = re.compile(
    r"\b(?:the rest of|the remaining|the balance of|remaining shares|all of the shares"
    r"|every (?:common |ordinary )?share"
    r"|own(?:s|ing)? all of"
    r"|wholly owns|sole (?:owner|shareholder)"
    r"|all the shares|outright|wholly[- ]owned|100 ?(?:%|per ?cent))",
    re.I,
)

_CONTROL = re.compile(
    r"\b(?:a majority|majority stake|majority holder"
    r"|controlling (?:stake|shareholder|holder|interest|position)"
    r"|full control|control of|already controls|parent company|parent|takeover|buy-?out)\b",
    re.I,
)

_NOT_STAKE_PCT = re.compile(
    r"^\s*(?:premium|discount|rise|increase|jump|gain|drop|fall|decline|of (?:its |the )?"
    r"(?:output|production|revenue|sales|supply|world|global|market|exports|imports|capacity))",
    re.I,
)


#: "Following the issue of the shares, X holds 9.9% of Y": a holding that a deal just made, read
#: like a stake bought. A holding said without such a lead is not a change.
_RESULTING_CLAUSE = re.compile(
    r"^(?:\d+\.\s+)?(?:Following|After|With|Upon|On completion of|Once|At (?:closing|completion)"
    r"|On closing)\b[^,]{0,80},\s*"
    # "The notice gives the numbers: after the increase, Minmetals holds 27.4 per cent …"
    r"|^[^:.;]{0,60}:\s+(?:following|after|upon|on completion of) (?:the|this|its) [\w -]{1,40},\s*"
)

_HOLDS = re.compile(r"\b(?:now\s+)?(?:holds|owns|(?P<controls>controls))\b")
#: "now holds 9% of", "now owns 6.8 per cent of", and a speaker's "we own 11.2 per cent of": a
#: present holding, given as a share of a company.
_NOW_HOLDS = re.compile(
    r"\b(?:now\s+(?:holds|owns|(?P<controls>controls))|we\s+(?:now\s+)?(?:own|hold))\s+"
    r"(?=(?:about |roughly |some |approximately |around |nearly |almost |just (?:over|under) )?"
    r"[\d.]+ ?(?:%|per ?cent|percent) of\b"
    r"|(?:a |an absolute )?majority of\b|a controlling (?:stake|interest) in\b"
    r"|all of (?-i:[A-Z])|the whole of\b)",
    re.I,
)

#: The words before an earlier holding: "which already held 90% of X", "previously owned 51%".
EARLIER_HOLDING = re.compile(
    r"\b(?:(?:already|previously)\s+(?:held|holds|owned|owns|had|has)|(?:which|that|who)\s+"
    r"(?:has\s+|had\s+)?(?:held|owned)|having\s+(?:previously\s+)?(?:held|owned))"
    r"\s*(?:about |around |roughly )?$"
    # "X held 12.6 per cent of Y before the transaction"
    r"|^(?:(?-i:[A-Z])[\w&-]*\s+){1,4}(?:had\s+|has\s+)?(?:held|owned|had)\s+"
    r"(?:about |around |roughly )?$"
    # "the iPhone maker built up that holding from 1.5% …"
    r"|\b(?:built|build|builds|increased|raised|lifted)\s+(?:up\s+)?(?:that|its|the|this)\s+"
    r"(?:holding|stake|position)\s+from\s+(?:about |around |roughly )?$",
    re.I,
)

#: The subject described, not named: "the iPhone maker owns …", "the Perth-based miner bought".
_DESCRIBED_SUBJECT = re.compile(
    r"\b[Tt]he (?:[\w-]+ ){1,3}(?:maker|company|group|producer|miner|refiner|firm|start-?up"
    r"|developer|giant|conglomerate|processor|investor|buyer|operator)\s+(?:\w+\s+)?$"
)

#: The object of the verb is described, not named: "bought the rest of the Hanoi-based processor".
_DESCRIBED_OBJECT = re.compile(
    r"^\s*(?:the rest of|the remaining\b(?:\s+(?:shares|stake|equity|interest))?(?:\s+(?:of|in))?"
    r"|the balance of|all of|full control of|control of)\s+(?:the|its|it|them|for)\b",
    re.I,
)


#: A clause describing the name before it, up to the verb: ", which it bought", ", who sold".
_DESCRIBING = re.compile(
    r",\s*(?:which|who|whom)\s+(?P<pronoun>(?:it|they|the company|the group)\s+)?[^,;]*$", re.I
)


def _clause_end_comma(text: str, verb: re.Match[str]) -> int:
    """Where the clause holding `verb` ends: the next comma or semicolon."""
    ends = [i for i in (text.find(",", verb.end()), text.find(";", verb.end())) if i >= 0]
    return min(ends, default=len(text))


#: The buyer named after the words that bring it in: "acquired by X", "was sold to X".
_PASSIVE = re.compile(
    r"\b(?:acquired|bought|purchased|taken over|(?:now |wholly |fully )+owned) by\b"
    # "A holding of 4.8% in Lynas was sold to Apple", "… were placed with Apple"
    r"|\b(?:was|were|has been|have been|had been|will be) (?:sold|placed|transferred)"
    r" (?:to|with)\b",
    re.I,
)
#: "The acquisition of 30 percent of Niron by USA Rare Earth closed on Friday."
#: A decimal point ("a 7.5 per cent holding") does not end the phrase.
_NOMINAL = re.compile(
    r"\b(?:acquisition|purchase|takeover) of\b(?:[^.;]|\.(?=\d)){1,80}?\b(by)\b", re.I
)


def _passive_buyer(text: str) -> tuple[int, int] | None:
    """Where the words that bring in a buyer named after the target stand, if they do."""
    passive = _PASSIVE.search(text)
    if passive is not None:
        return passive.span()
    nominal = _NOMINAL.search(text)
    return nominal.span(1) if nominal is not None else None


def stake_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    text = sentence.text
    if _HOLDING_MOVED.search(text):
        return []  # read by holding_moved_rule, holding by holding
    lead = _RESULTING_CLAUSE.match(text)
    lead_end = lead.end() if lead else 0
    verb = _STAKE_VERB.search(text, lead_end)
    holds = _HOLDS.search(text, lead_end) if lead is not None else None
    if holds is None:
        # "The Pentagon now holds 9% of eVAC after buying …", "said it now owns 6.8% of X":
        # a holding the news just made.
        holds = _NOW_HOLDS.search(text)
    if holds is not None and (verb is None or holds.start() < verb.start()):
        verb = holds
    if verb is None or not (_STAKE_WORD.search(text) or verb is holds):
        return []
    if re.search(r"joint venture|\bmerg", text, re.I):
        return []
    if verb is not holds and re.search(
        r"\b(?:loan|grant|tax credit|offtake|preferred)\b", text, re.I
    ):
        return []  # funding, unless the sentence says what the holder now holds
    seller: Mention | None = None
    seller_stake: re.Match[str] | None = None
    traded: Quantity | None = None
    passive = _passive_buyer(text)
    if passive:
        holders = sentence.after(passive[1])
        targets = sentence.before(passive[0])
        holder = holders[0] if holders else None
        target = targets[-1] if targets else None
    else:
        before = sentence.before(verb.start())
        holder = before[-1] if before else None
        if holder is not None and len(before) > 1 and before[0].entity_id != holder.entity_id:
            # "X, the parent of Y, bought …": the subject is the first organisation named.
            holder = before[0]
        target = next(
            (m for m in sentence.after(verb.start()) if holder and m.entity_id != holder.entity_id),
            None,
        )
        if holder is not None and target is not None:
            # "Iluka has bought Shenghe's stake in ETM": Shenghe sells, ETM is the target.
            # From the name's last letter: a mention may hold its possessive ending
            # ("Shenghe Resources'").
            owned = _SELLERS_STAKE.match(text[target.end - 1 :])
            held = sentence.after(target.end - 1 + owned.end()) if owned else []
            # "has taken over the entire 20.33% shareholding that Chalco held in CREG"
            sold = _STAKE_THAT.search(text[verb.end() : target.start])
            held_in = _HELD_IN.match(text[target.end :])
            if sold and held_in:
                held = sentence.after(target.end + held_in.end())
                seller_stake = sold
            if held and held[0].entity_id != holder.entity_id:
                seller, target = target, held[0]
        if holder is not None and target is None and _DESCRIBED_OBJECT.match(text[verb.end() :]):
            # "X, which already held 90% of Y, bought the rest of the processor": the target is
            # the company named before the verb.
            target = next((m for m in reversed(before) if m.entity_id != holder.entity_id), None)
    if holder is None and not passive:
        # "The transfer lifts Minmetals' stake in CREG from 20.33% to 40.66%": the holder by
        # its possessive after the verb.
        after_verb = sentence.after(verb.end())
        if len(after_verb) >= 2 and _POSSESSIVE_STAKE.match(
            text[after_verb[0].end - 1 : after_verb[1].start]
        ):
            holder, target = after_verb[0], after_verb[1]
    if holder is not None and target is None and not passive:
        # "A fifth of X has changed hands. Y bought the shares from …": the target and the
        # share are in the sentence before.
        target, traded = _changed_hands_before(sentence, text[verb.end() :])
    if holder is not None and target is None and not passive:
        # "Peak Rare Earths has a new master. Neo … now owns a majority of the Tanzanian project
        # developer": a company described, not named, is the one the sentence before named.
        target = _described_target(sentence, reading, holder, text[verb.end() :])
    describing = _DESCRIBING.search(text[: verb.start()])
    if describing is not None and not passive:
        # "with Peak, which it bought last year, Shenghe now owns …": the clause describes Peak,
        # bought by the sentence's subject; a deal told in passing is background, not news.
        described = sentence.before(describing.start())
        subject = [m for m in sentence.after(verb.end()) if m.start > _clause_end_comma(text, verb)]
        if describing["pronoun"] and described:
            target = described[-1]
            holder = next(
                (m for m in (*subject, sentence.referent) if m and m.entity_id != target.entity_id),
                None,
            )
    if holder is None and not passive and not sentence.before(verb.start()):
        # "the Commerce Department paid US$400m for new shares that give it a fifth of X"; "the
        # Department" after a registered one was named is that one.
        government = state_body(sentence, reading, verb.start()) or unnamed_government(
            sentence, reading
        )
        if government is not None and government.start < verb.start():
            holder = government
            target = next(
                (m for m in sentence.after(verb.start()) if m.entity_id != government.entity_id),
                None,
            )
    if holder is None and not passive and (body := state_body(sentence, reading, verb.start())):
        # "the department is buying US$45m of X stock, which will give it a 4.2% stake"
        holder = body
        target = next(
            (m for m in sentence.after(verb.start()) if m.entity_id != body.entity_id), None
        )
    if (
        holder is not None
        and target is None
        and re.search(
            r"^(?:[^.;]|\.(?=\d)){0,40}?\b(?:of|in) the (?:company|group)\b", text[verb.end() :]
        )
        and (referent := sentence.referent) is not None
        and referent.entity_id != holder.entity_id
    ):
        # "At closing, the Department holds 9.9% of the company's voting power": the company
        # the article is about.
        target = referent
    referred = None
    if (
        holder is None
        and not passive
        and (
            THE_COMPANY.search(text[lead_end : verb.start()])
            or FIRST_PERSON.search(text[lead_end : verb.start()])
            or _DESCRIBED_SUBJECT.search(text[lead_end : verb.start()])
        )
    ):
        # "The company has taken full control of X": the company just named, else the one the
        # article is about; never the company the sentence goes on to name as the target.
        for referent in (sentence.antecedent, sentence.issuer, sentence.prior_subject):
            named = [
                m
                for m in sentence.after(verb.start())
                if referent and m.entity_id != referent.entity_id
            ]
            if referent is not None and named:
                holder, referred, target = referent, referent, named[0]
                break
    if holder is not None and holder.proposed:
        # "The National Reconstruction Fund Corporation has subscribed for new shares": a state
        # fund that is not registered stands for its government.
        government = unnamed_government(sentence, reading)
        if (
            government is not None
            and government.start < holder.end
            and holder.start < government.end
        ):
            holder = government
    if holder is None or target is None or holder.entity_id == target.entity_id:
        return []
    draft = Draft(
        {"type": "stake_changed", "holder_id": holder.entity_id, "target_id": target.entity_id}
    )
    draft.parties = [holder, target]
    if referred is not None:
        draft.cap(
            REFERRED_CAP,
            f"the sentence does not name the buyer: {referred.surface!r}, the company it refers"
            " back to, assumed",
        )
    if describing is not None and not passive:
        draft.cap(0.5, "told in a clause describing another name: background, not the news")
    # "… was sold to X": X, the holder, bought.
    selling = SELL.search(verb.group()) is not None and not passive
    # The seller's whole holding told as "the N% shareholding that X held": its size is the
    # seller's holding before, not the buyer's after (which may have held some already).
    if seller_stake is None:
        _stake_percentages(sentence, draft, selling)
    if traded is not None and "pct_after" not in draft.fields:
        draft.fields["pct_after"] = str(traded.value)
    if not any(k in draft.fields for k in ("pct_after", "pct_before")):
        parties = {holder.entity_id, target.entity_id}
        now_holds = _holding_now_told_after(sentence, reading, parties)
        told_after = None if selling else _holding_told_after(sentence, reading, parties)
        if now_holds is not None:
            draft.fields.update(now_holds)
            draft.notes.append("the holding after the deal from the sentence after")
        elif told_after is not None:
            draft.fields["pct_after"] = told_after
            draft.notes.append("the holding's size from the sentence after")
    if "pct_after" in draft.fields and "pct_before" not in draft.fields:
        held_first = _held_before_told_after(
            sentence, reading, {holder.entity_id, target.entity_id}
        )
        if held_first is not None:
            draft.fields["pct_before"] = held_first
            draft.notes.append("the holding before the deal from the sentence after")
    if WHOLE.search(text) and not selling:
        draft.fields["pct_after"] = "100"
    if (_CONTROL.search(text) or (verb is holds and holds["controls"])) and not selling:
        draft.fields["controlling"] = True
    if (
        not selling
        and "pct_after" not in draft.fields
        and "controlling" not in draft.fields
        and reading.directory.controllers.get(target.entity_id) == holder.entity_id
    ):
        draft.fields["controlling"] = True
        draft.notes.append(
            "controlling: the holder is the target's recorded controller; the text gives no"
            " percentage"
        )
    if selling and re.search(r"\b(?:entire|whole|all of its|its remaining)\b", text, re.I):
        held_all = next(
            (p for p in sentence.percentages if not _NOT_STAKE_PCT.match(text[p.end : p.end + 40])),
            None,
        )
        if "pct_before" not in draft.fields and draft.fields.get("pct_after") not in (None, "0"):
            draft.fields["pct_before"] = draft.fields["pct_after"]
        elif "pct_before" not in draft.fields and held_all is not None:
            # "disposed of its entire interest in ETM, 8.5% of the company": what it held.
            draft.fields["pct_before"] = str(plain(held_all.value))
        draft.fields["pct_after"] = "0"
        draft.fields.setdefault("pct_after", "0")
    # The seller's part does not rest on the buyer's unknown holding.
    seller_confidence = draft.confidence
    if not any(k in draft.fields for k in ("pct_after", "pct_before", "controlling")):
        draft.fields["controlling"] = False
        draft.cap(0.45, "no percentage and no word on control: controlling false is an assumption")
    draft.money = consideration(sentence)
    draft.fields["consideration"] = consideration_field(draft.money)
    if seller is None or selling:
        return [draft]
    sold_out = Draft(
        {
            "type": "stake_changed",
            "holder_id": seller.entity_id,
            "target_id": target.entity_id,
            "pct_after": "0",
        },
        confidence=seller_confidence,
        notes=["the seller sold its whole stake to the buyer"],
    )
    if seller_stake is not None and seller_stake["pct"]:
        sold_out.fields["pct_before"] = str(plain(Decimal(seller_stake["pct"])))
    elif "pct_before" not in draft.fields and "pct_after" in draft.fields:
        sold_out.fields["pct_before"] = draft.fields["pct_after"]
    sold_out.parties = [seller, target]
    return [draft, sold_out]


#: From the last letter of a holder's name to the target's: "'s stake in", "' holding in".
_POSSESSIVE_STAKE = re.compile(
    r"^\S?['’]s?\s+(?:own\s+)?(?:stake|holding|shareholding|interest)\s+in\s+$", re.I
)

#: "the entire 20.33% shareholding that", "the stake which": a seller's holding named before it.
_STAKE_THAT = re.compile(
    r"\b(?:the )?(?:entire |whole |full )?(?:(?P<pct>\d+(?:\.\d+)?) ?(?:%|per ?cent|percent) )?"
    r"(?:stake|holding|shareholding|interest|shares)\s+(?:that|which)\s+$",
    re.I,
)
#: "… held in CREG", "… owned in CREG": after the seller's name, the company held.
_HELD_IN = re.compile(r"^\s+(?:had |has )?(?:held|owned|had)\s+in\s+", re.I)

#: From the last letter of a seller's name: "'s stake in", "' 9% holding in".
_SELLERS_STAKE = re.compile(
    r"^\S?['’]s?\s+(?:[\w.%-]+\s+){0,2}?(?:stake|holding|shareholding|interest|position)\s+in\s+",
    re.I,
)
#: The sentence before told that shares were traded: "A fifth of X has changed hands."
_CHANGED_HANDS = re.compile(r"\bchang(?:ed|es|ing) hands\b", re.I)
#: "bought the shares", "took the stake": the shares the sentence before spoke of.
_THE_SHARES = re.compile(r"^\s+(?:the|those|these) (?:shares|stake|holding|block)\b", re.I)
#: "Once issued, the shares give the German-owned group 9.6 percent of …"
_GIVES_HOLDER = re.compile(
    r"\b(?:give|gives|giving|leave|leaves|leaving)\s+(?:the|it|them)\b[^.;,]{0,35}$", re.I
)
#: "The 9% holding cost the refiner A$31 million": the size of a holding told after the deal.
_THE_HOLDING = re.compile(r"^\s*(?:stake|holding|shareholding|interest|position)\b", re.I)


def _changed_hands_before(
    sentence: Sentence, after_verb: str
) -> tuple[Mention | None, Quantity | None]:
    if not _THE_SHARES.match(after_verb) or not sentence.earlier:
        return None, None
    before = sentence.earlier[-1]  # the sentence before, as already read
    if not _CHANGED_HANDS.search(before.text) or len({m.entity_id for m in before.mentions}) != 1:
        return None, None
    shares = before.percentages
    return before.mentions[0], (shares[0] if len(shares) == 1 else None)


_PCT = r"(?:about |around |roughly )?(\d+(?:\.\d+)?) ?(?:%|per ?cent|percent)"

#: "It now holds 6%, down from 12%.", "The company now owns 25 per cent": the holding a deal
#: left, said in the sentence after it by the holder's pronoun or short name.
_NOW_HOLDS_AFTER = re.compile(
    r"^(?P<lead>(?:After|Following|With|Upon)\b[^.;]{3,80}?,\s*)?"
    r"(?:It|[Tt]he (?:company|group|firm|[Cc]orporation|[Ff]und|[Bb]ank|[Dd]epartment|agency"
    r"|investor|buyer)|(?-i:[A-Z])[\w&.-]*(?:\s+(?-i:[A-Z])[\w&.-]*){0,3})"
    rf"\s+(?:now\s+)?(?:holds|owns|has|is left with|keeps|retains)\s+(?:a\s+)?{_PCT}"
    rf"(?:\s+(?:stake|holding|of the shares|of the company|of it))?"
    rf"(?:,?\s+(?:down|up)\s+from\s+{_PCT})?",
    re.I,
)


#: A company described by what it is rather than named: "the Tanzanian project developer",
#: "the Perth-based miner", "the US magnet start-up".
DESCRIBED_COMPANY = re.compile(
    r"\b(?:of|in|over)\s+the\s+(?:[\w.-]+\s+){0,3}?(?:developer|miner|producer|refiner|processor"
    r"|separator|explorer|start-?up|magnet ?maker|maker|operator|company|group|firm|business"
    r"|manufacturer|smelter|supplier|recycler|owner)\b(?!\s+of\b)",
    re.I,
)


def _described_target(
    sentence: Sentence, reading: Reading, holder: Mention, after_verb: str
) -> Mention | None:
    """The company a description after the verb stands for: the only company other than the
    holder named in the two sentences before."""
    if not re.match(r"(?:[^.;]|\.(?=\d)){0,160}?" + DESCRIBED_COMPANY.pattern, after_verb, re.I):
        return None
    for told in ([sentence], sentence.earlier[-2:]):
        # "X, the controlling shareholder of Northern Rare Earth, has subscribed …, and the
        # parent holds a majority of the listed company's shares": named in the sentence itself,
        # else in the two before.
        named = {
            m.entity_id: m
            for earlier in told
            for m in earlier.mentions
            if m.entity_id != holder.entity_id
            and is_company(m, reading.directory)
            and not m.proposed
        }
        if named:
            return next(iter(named.values())) if len(named) == 1 else None
    return None


#: "The sale reduced the Company's interest from 6.2% to 2.9% of the issued shares": the deal
#: just told moved the holding.
_DEAL_MOVED_HOLDING = re.compile(
    r"^(?:The|This|That) (?:sale|purchase|disposal|transaction|deal|placement|transfer"
    r"|acquisition|subscription|trade)\s+(?:has\s+)?(?:reduced|cut|lowered|raised|increased"
    r"|lifted|took|brought|diluted)\s+(?:the (?:Company|Group|company|group)['’]s|its|their"
    r"|[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,3}['’]s?)\s+(?:[\w-]+\s+)?(?:interest|stake|holding"
    rf"|shareholding)\s+(?:in\s+[^,]{{1,60}}?\s+)?from\s+{_PCT}\s+to\s+{_PCT}"
)


def _next_sentence_on(sentence: Sentence, reading: Reading, parties: set[str]) -> str | None:
    """The sentence just after, if it names no organisation but the deal's parties."""
    if not sentence.following:
        return None
    text = sentence.following[0][0]
    if any(m.entity_id not in parties for m in reading.directory.mentions(text)):
        return None
    return text


def _holding_now_told_after(
    sentence: Sentence, reading: Reading, parties: set[str]
) -> dict[str, str] | None:
    """The holding after a deal, and before it where given, from the sentence just after, when
    it names no other organisation and opens by saying what the holder now holds."""
    text = _next_sentence_on(sentence, reading, parties)
    if text is None:
        return None
    moved = _DEAL_MOVED_HOLDING.match(text)
    if moved is not None:
        return {
            "pct_before": str(plain(Decimal(moved[1]))),
            "pct_after": str(plain(Decimal(moved[2]))),
        }
    told = _NOW_HOLDS_AFTER.match(text)
    if told is None or not (
        re.search(r"\bnow\b", told.group()) or told[3] is not None or told["lead"]
    ):
        # "It holds 6%" alone may be any holding; "now", "after the placement" or "down from"
        # dates it.
        return None
    terms = {"pct_after": str(plain(Decimal(told[2])))}
    if told[3] is not None:
        terms["pct_before"] = str(plain(Decimal(told[3])))
    return terms


#: The holding before a deal, told in the sentence after it: "Before the purchase it held 6%.",
#: "The miner previously owned 4.95%.", "It had held 9% before the placement."
_HELD_BEFORE_TOLD_AFTER = re.compile(
    r"^(?P<lead>(?:Before|Prior to)\s+(?:the|this|that|its)\s+[\w-]+(?:\s+[\w-]+)?,?\s+)?"
    r"(?:It|They|[Tt]he (?:company|group|firm|miner|producer|buyer|investor|[\w-]+ maker)"
    r"|(?-i:[A-Z])[\w&.-]*(?:\s+(?-i:[A-Z])[\w&.-]*){0,3})"
    r"\s+(?:had\s+)?(?P<previously>previously\s+|earlier\s+)?(?:held|owned|had)\s+"
    rf"(?:a\s+)?{_PCT}(?:\s+(?:stake|holding|interest))?(?P<trail>\s+before\b)?",
    re.I,
)


def _held_before_told_after(sentence: Sentence, reading: Reading, parties: set[str]) -> str | None:
    """The holding before the deal from the sentence just after, when it names no other
    organisation and says the figure is from before ("before the purchase", "previously")."""
    text = _next_sentence_on(sentence, reading, parties)
    if text is None:
        return None
    told = _HELD_BEFORE_TOLD_AFTER.match(text)
    if told is None or not (told["lead"] or told["previously"] or told["trail"]):
        return None
    return str(plain(Decimal(told[3])))


def _holding_told_after(sentence: Sentence, reading: Reading, parties: set[str]) -> str | None:
    """The size of the holding bought, told in one of the two sentences after the deal when
    they name no other organisation: "The 9% holding cost the Eneabba refiner A$31 million."."""
    for text, _dates in sentence.following[:2]:
        if any(m.entity_id not in parties for m in reading.directory.mentions(text)):
            return None
        for share in find_percentages(text):
            if _GIVES_HOLDER.search(text[max(0, share.start - 50) : share.start]) and re.match(
                r"\s+of\b", text[share.end :]
            ):
                return str(share.value)  # "the shares give the group 9.6 percent of USAR"
            lead = text[max(0, share.start - 6) : share.start]
            if _THE_HOLDING.match(text[share.end :]) and re.search(
                r"\b(?:the|this|that)\s+$", lead, re.I
            ):
                return str(share.value)
    return None


#: A holding before and after, in any of the usual orders: "from 9% to 4.5%", "to 4.5% from 9%",
#: "4.5%, down from 9%". Each pattern gives (before, after) group numbers.
_STAKE_SPANS: tuple[tuple[re.Pattern[str], int, int], ...] = (
    (re.compile(rf"\bfrom {_PCT} to {_PCT}", re.I), 1, 2),
    (re.compile(rf"\bto {_PCT},? (?:up |down )?from {_PCT}", re.I), 2, 1),
    # "now owns 15.3% of Energy Transition Minerals, up from 9.4%"
    (re.compile(rf"{_PCT}(?:\s+of\s+[^.;%]{{1,60}}?)?,? (?:up|down) from {_PCT}", re.I), 2, 1),
    # "SASAC holds 35.51% of China Rare Earth Group, compared with 31.21% before"
    (
        re.compile(
            rf"{_PCT}[^.;%]{{0,60}}?,?\s+(?:compared with|against|from|up from|down from"
            rf"|having (?:previously )?(?:held|owned))\s+{_PCT}"
            r"\s+(?:before|previously|earlier|beforehand)\b",
            re.I,
        ),
        2,
        1,
    ),
)

#: Words a before-and-after span must follow to be a holding, not a price or a growth rate.
_HOLDING_NOUN = re.compile(
    r"\b(?:stake|holding|shareholding|interest(?!\s+rates?)|position|ownership|voting power"
    r"|holds|owns|controls)\b",
    re.I,
)

#: "shareholders holding 70% of the votes": a percentage held by others than the holder.
_OTHERS_HOLD = re.compile(
    r"\b(?:shareholders|holders|investors|members|owners|institutions)\b[^.;%]{0,30}$", re.I
)

#: "its stake to 12%", "its holding in Peak Rare Earths to 12%": the holding after the deal.
_HOLDING_BEFORE_PCT = re.compile(
    r"\b(?:stake|holding|shareholding|interest|position|ownership)\b"
    r"(?:\s+in\s+(?:[A-Z][\w&.'-]*\s*){1,6})?\s*(?:to|at|of)\s*(?:about |around |roughly )?$",
    re.I,
)

#: "12% stake", "6.5% of the voting power", "12% of Peak": what the percentage is of.
_HOLDING_AFTER_PCT = re.compile(
    r"\s*(?:stake|holding|shareholding|interest|equity|of (?:the |its )?(?:shares|company|equity"
    r"|voting (?:power|rights|shares|stock)|votes|issued (?:shares|share capital|capital)"
    r"|outstanding shares|share capital|ordinary shares))",
    re.I,
)


def _stake_percentages(sentence: Sentence, draft: Draft, selling: bool) -> None:
    text = sentence.text
    for first, second in zip(sentence.percentages, sentence.percentages[1:], strict=False):
        # "from 36.1% to two-fifths": a holding moved, the figures written either way.
        moved = re.fullmatch(r"\s*to\s*", text[first.end : second.start]) and re.search(
            r"\bfrom\s*$", text[max(0, first.start - 6) : first.start]
        )
        if moved and _HOLDING_NOUN.search(text[max(0, first.start - 160) : first.start]):
            draft.fields["pct_before"] = str(first.value)
            draft.fields["pct_after"] = str(second.value)
            return
    for pattern, before_group, after_group in _STAKE_SPANS:
        for span in pattern.finditer(text):
            if not _HOLDING_NOUN.search(text[max(0, span.start() - 160) : span.start()]):
                continue
            draft.fields["pct_before"] = span.group(before_group)
            draft.fields["pct_after"] = span.group(after_group)
            return
    for pct in sentence.percentages:
        if _HOLDING_NOW_TO.search(text[max(0, pct.start - 120) : pct.start]):
            # "bought 5% of MP, lifting its holding to 8.1%", "cutting its holding to 9%",
            # "increased its shareholding in Niron by 4 percentage points to 14%": the holding
            # the deal left, whatever was traded
            draft.fields["pct_after"] = str(pct.value)
            multiple = _MULTIPLIED.search(text[max(0, pct.start - 120) : pct.start])
            if multiple is not None and "pct_before" not in draft.fields:
                # "doubled its stake in Niron to 20%": it held half as much before.
                factor = {"doubl": Decimal(2), "tripl": Decimal(3), "halv": Decimal("0.5")}
                halved_or_more = pct.value / factor[multiple["verb"].lower()]
                draft.fields["pct_before"] = str(plain(halved_or_more.normalize()))
                draft.notes.append(f"the holding before from {multiple.group().strip()!r}")
            moved = _BY_POINTS.search(text[max(0, pct.start - 120) : pct.start])
            points = _number(moved["points"]) if moved is not None else None
            if moved is not None and points is not None and "pct_before" not in draft.fields:
                held_then = pct.value + points if selling or moved["down"] else pct.value - points
                if 0 <= held_then <= 100:
                    draft.fields["pct_before"] = str(plain(held_then))
                    draft.notes.append(f"the holding before is {pct.value}% less the change")
            return
    for pct in sentence.percentages:
        after = text[pct.end : pct.end + 40]
        before = text[max(0, pct.start - 100) : pct.start]
        if (
            not selling
            and "pct_before" not in draft.fields
            and re.search(r"\bthe (?:remaining|outstanding|other)\s+$", before, re.I)
        ):
            # "its purchase of the remaining 70% of X": it held the rest before.
            draft.fields["pct_before"] = str(plain(100 - pct.value))
            draft.fields["pct_after"] = "100"
            draft.notes.append(f"the holding before is what the remaining {pct.value}% leaves")
            continue
        if (
            NOT_YET_HELD.match(text[pct.end : pct.end + 160])
            and not selling
            and "pct_before" not in draft.fields
        ):
            # "the 91% it did not already hold": the text gives the rest, so the holding before.
            draft.fields["pct_before"] = str(plain(100 - pct.value))
            draft.fields["pct_after"] = "100"
            draft.notes.append(f"the holding before is what the {pct.value}% bought leaves")
            continue
        if _NOT_STAKE_PCT.match(after) or _OTHERS_HOLD.search(before):
            continue
        if EARLIER_HOLDING.search(before):
            draft.fields["pct_before"] = str(pct.value)
            continue
        additional = re.search(r"\b(?:additional|further|another|extra)\s*$", before, re.I)
        if _HOLDING_BEFORE_PCT.search(before):
            draft.fields["pct_after"] = str(pct.value)
        elif (
            _HOLDING_AFTER_PCT.match(after)
            or re.match(r"\s*(?i:of)\s+[A-Z]", after)
            or _of_a_company_named(sentence, pct.end)
        ):
            if additional:
                draft.notes.append(
                    f"{pct.value}% is the size of the purchase, not the holding after it"
                )
                continue
            if (selling and re.search(r"\bto\s*$", before)) or not selling:
                draft.fields["pct_after"] = str(pct.value)
            else:
                continue  # "sold 3% of Peak, cutting its holding to 9%": 3% was traded
        else:
            continue
        if pct.approximate:
            draft.confidence -= 0.05
            draft.notes.append(f"the text gives the percentage as approximate ({pct.value}%)")
        return


#: "doubled its stake in Niron to 20%", "halved its holding to 4%".
_MULTIPLIED = re.compile(
    r"\b(?P<verb>doubl|tripl|halv)(?:e|es|ed|ing)\s+(?:its|their|the)\s+(?:stake|holding"
    r"|shareholding|interest)\b[^,;%]{0,60}?\s+to\s+(?:about\s+|around\s+|roughly\s+)?$",
    re.I,
)


def _number(written: str) -> Decimal | None:
    """ "5", "2.5" or "five"."""
    return Decimal(written) if written[0].isdigit() else number_in_words(written)


#: "raised its holding by 5 percentage points to 17%": the change, which gives the holding before.
_BY_POINTS = re.compile(
    r"(?:(?P<down>\b(?:cut|reduc\w*|lower\w*|trimm\w*|trims?|decreas\w*|dilut\w*|sold|sell\w*"
    r"|fell|falls?|dropp\w*)\b)[^,;%]{0,60}?)?"
    r"\bby\s+(?P<points>\d+(?:\.\d+)?|[a-z]+(?:[- ][a-z]+)?)\s+percentage\s+points?"
    r"[^,;%]{0,10}\s+to\s+(?:about\s+|around\s+|roughly\s+)?$",
    re.I,
)

#: The holding a deal left, told as what it took the holding to.
_HOLDING_NOW_TO = re.compile(
    r"\b(?:stake|holding|shareholding|interest)(?:\s+in\s+[^,;%]{1,60}?)?"
    r"(?:\s+by\s+[^,;%]{1,40}?)?,?\s+to\s+(?:about\s+|around\s+|roughly\s+)?$",
    re.I,
)


def _of_a_company_named(sentence: Sentence, end: int) -> bool:
    """ "9% of eVAC", "6.8% of 600392.SH": a share of a company the sentence names right after."""
    # "12.5% of the issued common shares of Neo Performance Materials"
    of = re.match(
        r"\s*of\s+(?:the\s+)?(?:(?:issued|outstanding|enlarged)\s+)?(?:(?:common|ordinary|voting)\s+)?"
        r"(?:(?:shares|stock|share capital)\s+(?:in|of)\s+)?(?:the\s+)?",
        sentence.text[end:],
        re.I,
    )
    return of is not None and any(m.start == end + of.end() for m in sentence.mentions)


#: "the 91% it did not already hold", "the 65 per cent it does not own".
NOT_YET_HELD = re.compile(
    r"^\s+(?:of (?-i:[A-Z])[\w&-]*(?: (?-i:[A-Z])[\w&-]*)*\s+)?"
    # "the 80.5% of the ordinary shares of Energy Transition Minerals Ltd ("ETM") that we did
    # not already own"
    r"(?:of the (?:ordinary |common |issued )?(?:shares|stock|capital) of [^.;%]{3,70}?\s+)?"
    r"(?:that |which )?"
    r"(?:it|they|we|the company|the group)\s+(?:did|does|do) not\s+"
    r"(?:already\s+)?(?:own|hold|have|control)\b",
    re.I,
)


def _pct(name: str) -> str:
    """`_PCT` with its number captured under `name`."""
    return _PCT.replace("(\\d", f"(?P<{name}>\\d", 1)


#: "X's equity interest in Y decreased from 20.33% to 15.33%": a holding that moved, told by
#: its holder's possessive. One sentence may tell several ("…, and Z's interest in Y rose …").
_HOLDING_MOVED = re.compile(
    r"(?:'s|’s|(?<=s)'|(?<=s)’|\b[Ii]ts)\s+(?:(?:own\s+|direct\s+|remaining\s+|total\s+)?"
    r"(?:equity\s+|voting\s+)?"
    r"(?:interest|stake|holding|shareholding)(?:\s+in\s+(?P<target>[^,;]{2,80}?))?\s+)?"
    r"(?P<verb>(?:increas|decreas|ris|ros|fall|fell|grow|grew|dropp?|declin|slipp?|climb)\w*"
    r"|(?:was|is|has been|will be) (?:cut|raised|reduced|lifted|increased|decreased|diluted)"
    r"|(?:went|goes|will go) (?:up|down)|(?:will|has|have) (?:\w+ ){0,1}?\w+"
    # "its holding is 5.0%, compared with 5.5% before the placement": a holding now and before
    r"|(?P<state>is|now stands at|stands at|is now))\s+"
    rf"(?:from {_pct('before')} to {_pct('after')}|to {_pct('after_first')} from "
    rf"{_pct('before_last')}|to {_pct('after_only')}(?![^.;]{{0,12}}\bfrom\b)"
    rf"|{_pct('after_now')},?\s+(?:compared with|against|down from|up from) {_pct('before_then')}"
    r"\s+(?:before|previously|earlier)\b)",
    re.I,
)


def holding_moved_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    """Holdings that moved, read from the holder's possessive: "X's interest in Y fell from A%
    to B%, while Z's rose from C% to D%" (the second holding is in the same company)."""
    drafts = []
    text = sentence.text
    target: Mention | None = None
    for moved in _HOLDING_MOVED.finditer(text):
        holder = _possessor(sentence, reading, moved.start())
        if moved.group("target") is not None:
            named = [
                m
                for m in sentence.mentions
                if moved.start("target") <= m.start < moved.end("target")
            ]
            target = named[0] if named else None
        if target is None and holder is not None:
            # "X has sold most of its shares in Y. The research group's holding has fallen to
            # 1.2% from 3.9%": the company the sentence before says the holder held.
            target = _held_before(sentence, holder)
        if holder is None or target is None or holder.entity_id == target.entity_id:
            continue
        draft = Draft(
            {
                "type": "stake_changed",
                "holder_id": holder.entity_id,
                "target_id": target.entity_id,
                "pct_after": moved["after"]
                or moved["after_first"]
                or moved["after_only"]
                or moved["after_now"],
            }
        )
        if before := moved["before"] or moved["before_last"] or moved["before_then"]:
            draft.fields["pct_before"] = before
        draft.parties = [holder, target]
        drafts.append(draft)
    return drafts


#: A filing's holding before and after a deal: "Shareholding before the reduction: X held
#: 38.60% of the Company's share capital." … "Shareholding after the reduction: 34.90%."
_DEAL_NOUNS = (
    r"(?P<deal>reduction|increase|disposal|transfer|acquisition|purchase|sale|placement"
    r"|subscription|issuance|issue|change|transaction|deal|offer)"
)

_AFTER_THE_DEAL = re.compile(rf"\b(?:after|following|upon completion of) the {_DEAL_NOUNS}\b", re.I)

_BEFORE_THE_DEAL = r"\b(?:before|prior to) the {deal}\b"

#: Money a filing gives for the deal: "for aggregate proceeds of RMB 5.3 billion".
DEAL_MONEY = re.compile(
    r"\b(?:proceeds|consideration|price|paid|pays|for a total of|totall?ing|amounting to)\b", re.I
)


#: "X … no longer holds any interest in it": a holding ended.
_NO_LONGER_HOLDS = re.compile(
    r"\bno longer (?:holds|owns|has) any (?:interest|shares|stake|equity|holding|shareholding)\b"
    r"|\b(?:holds|owns|has) no (?:equity|shares|stake|interest) in it\b"
    r"|\bnow (?:holds|owns|has) none of\b|\bnow (?:holds|owns|has) no (?:interest|shares|stake)\b",
    re.I,
)


def holding_ended_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    """A holding the text says its holder no longer has: the holding after is 0, and the one
    before where the sentence says what the holder owned ("which has owned 100 per cent of
    Y")."""
    ended = _NO_LONGER_HOLDS.search(sentence.text)
    if ended is None:
        return []
    companies = [m for m in sentence.mentions if is_company(m, reading.directory)]
    holders = [m for m in companies if m.end <= ended.start()]
    if not holders:
        return []
    holder = holders[0]
    targets = [m for m in companies if m.entity_id != holder.entity_id]
    if ended.group().endswith(" in it") and len(holders) > 1:
        # "Northern Jinlong has become a subsidiary of the Company, and Fujian Jinlong holds no
        # equity in it": the name just before holds none of the first one
        holder, targets = holders[-1], [holders[0]]
    if not targets and sentence.earlier:
        # "… now holds none of the company": the company the sentence before says changed hands.
        before = sentence.earlier[-1]
        taken = re.search(
            r"\b(?:control of|stake in|shares in|holding in|all of|whole of)\s+", before.text
        )
        targets = [
            m
            for m in before.mentions
            if taken is not None and m.start == taken.end() and m.entity_id != holder.entity_id
        ]
    if not targets:
        return []
    draft = Draft(
        {
            "type": "stake_changed",
            "holder_id": holder.entity_id,
            "target_id": targets[0].entity_id,
            "pct_after": "0",
        }
    )
    draft.parties = [holder, targets[0]]
    for pct in sentence.percentages:
        if EARLIER_HOLDING.search(sentence.text[max(0, pct.start - 60) : pct.start]):
            draft.fields["pct_before"] = str(plain(pct.value))
            break
    else:
        # "… by buying the whole of Shenghe Resources' 90 per cent stake. Shenghe … now holds
        # none of the company": the holder's stake as the sentence before gives it.
        for earlier in sentence.earlier[-1:]:
            for pct in earlier.percentages:
                own = [
                    m
                    for m in earlier.mentions
                    if m.entity_id == holder.entity_id and 0 <= pct.start - m.end <= 6
                ]
                if own and re.match(r"\s*(?:stake|holding|interest)\b", earlier.text[pct.end :]):
                    draft.fields["pct_before"] = str(plain(pct.value))
                # "Lynas has bought 90% of Vietnam Rare Earth off Shenghe": the seller's whole
                # holding, sold
                sold_by = re.match(
                    r"\s+of\s+[^.;]{2,60}?\s+(?:off|from)\s+", earlier.text[pct.end :]
                )
                if sold_by and any(
                    m.entity_id == holder.entity_id and m.start == pct.end + sold_by.end()
                    for m in earlier.mentions
                ):
                    draft.fields.setdefault("pct_before", str(plain(pct.value)))
    return [draft]


def holding_before_after_rule(sentence: Sentence, reading: Reading) -> list[Draft]:
    """A holding a filing states before and after a deal, some lines apart: the holder and the
    company held are read from the "before" line ("the Company" is the issuer)."""
    after = _AFTER_THE_DEAL.search(sentence.text)
    if after is None:
        return []
    pct_after = next((p for p in sentence.percentages if p.start > after.end()), None)
    if pct_after is None:
        return []
    before_the_deal = re.compile(_BEFORE_THE_DEAL.format(deal=re.escape(after["deal"])), re.I)
    for back, earlier in enumerate(reversed(sentence.earlier)):
        if not before_the_deal.search(earlier.text) or not earlier.percentages:
            continue
        pct = earlier.percentages[0]
        target = _held_company(earlier, pct, sentence.issuer)
        holders = [
            m
            for m in earlier.mentions
            if m.start < pct.start
            and is_company(m, reading.directory)
            and (target is None or m.entity_id != target.entity_id)
        ]
        if target is None or not holders:
            return []
        draft = Draft(
            {
                "type": "stake_changed",
                "holder_id": holders[0].entity_id,
                "target_id": target.entity_id,
                "pct_before": str(pct.value),
                "pct_after": str(pct_after.value),
            }
        )
        draft.parties = [holders[0], target]
        between = sentence.earlier[len(sentence.earlier) - back :]
        for told in (*between, sentence):
            money = consideration(told)
            if money is not None and DEAL_MONEY.search(told.text[: money.start]):
                draft.fields["consideration"] = consideration_field(money)
                draft.money = money
        return [draft]
    return []


def _held_company(sentence: Sentence, pct: Quantity, issuer: Mention | None) -> Mention | None:
    """The company a holding is of: the one named after the percentage ("of X's shares"), or,
    in a filing, the issuer ("of the Company's total share capital")."""
    after = sentence.text[pct.end : pct.end + 60]
    named = [m for m in sentence.mentions if pct.end <= m.start <= pct.end + 20]
    if named:
        return named[0]
    if re.match(r"\s+of (?:the|its) (?:Company|Group|Issuer|company)\b", after):
        return issuer
    return None


def _held_before(sentence: Sentence, holder: Mention) -> Mention | None:
    """The company the sentence before names as held ("its shares in Y")."""
    if not sentence.earlier:
        return None
    before = sentence.earlier[-1]
    held = re.search(
        r"\b(?:shares|stake|holding|interest|equity)\s+in\s+", before.text
    ) or re.search(r"\b(?:holds|owns|held|owned)\s+[\d.]+\s?(?:%|per ?cent)\s+of\s+", before.text)
    if held is None:
        # "Iluka Resources, Lynas's largest shareholder, did not take part."
        return next(
            (
                m
                for m in before.mentions
                if m.entity_id != holder.entity_id
                and re.match(
                    r"['’]s?\s+(?:[\w-]+\s+)?(?:share)?holder\b",
                    before.text[m.start + len(m.surface.removesuffix("'s").removesuffix("’s")) :],
                )
            ),
            None,
        )
    return next(
        (m for m in before.mentions if m.start >= held.end() and m.entity_id != holder.entity_id),
        None,
    )


def _possessor(sentence: Sentence, reading: Reading, position: int) -> Mention | None:
    """Whose holding "X's interest" or "the Company's interest" is: the organisation named just
    before the possessive, else the company "the Company" or "its" refers to."""
    before = sentence.text[max(0, position - 40) : position]
    # A name may be read with its possessive ("SASAC's"), ending after `position`.
    named = [m for m in sentence.mentions if m.start < position and abs(position - m.end) <= 2]
    if named:
        return named[-1]
    if re.search(r"\b(?:the|The) (?:Company|Group|Issuer)$", before):
        # A defined term of a filing: the issuer, whoever was named just before.
        return sentence.issuer or sentence.referent
    if sentence.text[position:].lower().startswith("its"):
        # "The Commission did not put in money, so its direct holding is diluted …": the one
        # organisation the sentence names before "its".
        named_before = {m.entity_id: m for m in sentence.mentions if m.end <= position}
        if len(named_before) == 1:
            return next(iter(named_before.values()))
    if re.search(r"\b(?:the|The) (?:company|group|issuer)$", before) or (
        sentence.text[position:].lower().startswith("its")
    ):
        # "X has cut its holding in Y. Its stake fell from 7.2% to 4.95%": the subject of the
        # sentence before, when that sentence named two companies, before the article's issuer.
        return sentence.antecedent or sentence.prior_subject or sentence.issuer
    if re.search(
        r"\b(?:the|The) (?:[\w-]+ ){1,3}(?:company|group|institute|miner|producer|refiner|maker"
        r"|processor|developer|conglomerate|firm|operator|start-?up)$",
        before,
    ):
        # "The research group's holding": a description of the company just named, or, in a
        # story's opening, of the company its headline names first.
        if not sentence.earlier and reading.article.title:
            named_after = {m.entity_id for m in sentence.after(position)}
            titled = [
                m
                for m in reading.directory.mentions(reading.article.title)
                if not m.proposed and m.entity_id not in named_after
            ]
            if titled:
                return titled[0]
        return sentence.referent or sentence.prior_subject
    return None
