"""English names and demonyms of every ISO 3166-1 country, for finding countries in news text.

`COUNTRY_NAMES` covers every code of `monazite_core.countries.ISO_COUNTRY_CODES`. Names are read
with their capitals ("Turkey", "Chad", "Niger"), so that ordinary words do not become countries;
a name is not read inside a longer place that is not that country ("New Mexico", "North America",
"Papua New Guinea" is read whole). A few names are left out because another place with the same
name is far more common in this news: "Georgia" (the US state; "Georgian" still counts) and a
bare "Congo" (either of two countries; their full names count).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

# "CODE names | demonyms", several of each separated by ";"; a code may take more than one line.
_TABLE = """
AD Andorra | Andorran
AE United Arab Emirates; UAE | Emirati
AF Afghanistan | Afghan
AG Antigua and Barbuda | Antiguan
AI Anguilla | Anguillan
AL Albania | Albanian
AM Armenia | Armenian
AO Angola | Angolan
AQ Antarctica | Antarctic
AR Argentina | Argentine; Argentinian
AS American Samoa |
AT Austria | Austrian
AU Australia; Commonwealth of Australia | Australian
AW Aruba | Aruban
AX Aland Islands; Åland Islands; Åland |
AZ Azerbaijan | Azerbaijani; Azeri
BA Bosnia and Herzegovina; Bosnia | Bosnian
BB Barbados | Barbadian
BD Bangladesh | Bangladeshi
BE Belgium | Belgian
BF Burkina Faso | Burkinabe
BG Bulgaria | Bulgarian
BH Bahrain | Bahraini
BI Burundi | Burundian
BJ Benin | Beninese
BL Saint Barthelemy; Saint Barthélemy |
BM Bermuda | Bermudian
BN Brunei; Brunei Darussalam | Bruneian
BO Bolivia | Bolivian
BQ Bonaire; Sint Eustatius; Saba |
BR Brazil | Brazilian
BS Bahamas; The Bahamas | Bahamian
BT Bhutan | Bhutanese
BV Bouvet Island |
BW Botswana | Botswanan; Motswana
BY Belarus | Belarusian
BZ Belize | Belizean
CA Canada | Canadian
CC Cocos Islands; Cocos (Keeling) Islands |
CD Democratic Republic of the Congo; Democratic Republic of Congo; DR Congo; DRC; Congo-Kinshasa |
CF Central African Republic |
CG Republic of the Congo; Congo-Brazzaville |
CH Switzerland | Swiss
CI Cote d'Ivoire; Côte d'Ivoire; Ivory Coast | Ivorian
CK Cook Islands |
CL Chile | Chilean
CM Cameroon | Cameroonian
CN China; People's Republic of China; PRC; Mainland China | Chinese
CO Colombia | Colombian
CR Costa Rica | Costa Rican
CU Cuba | Cuban
CV Cabo Verde; Cape Verde | Cape Verdean; Cabo Verdean
CW Curacao; Curaçao |
CX Christmas Island |
CY Cyprus | Cypriot
CZ Czechia; Czech Republic | Czech
DE Germany | German
DJ Djibouti | Djiboutian
DK Denmark | Danish
DM Dominica |
DO Dominican Republic | Dominican
DZ Algeria | Algerian
EC Ecuador | Ecuadorian
EE Estonia | Estonian
EG Egypt | Egyptian
EH Western Sahara | Sahrawi
ER Eritrea | Eritrean
ES Spain | Spanish
ET Ethiopia | Ethiopian
FI Finland | Finnish
FJ Fiji | Fijian
FK Falkland Islands; Falklands |
FM Micronesia; Federated States of Micronesia | Micronesian
FO Faroe Islands; Faroes | Faroese
FR France | French
GA Gabon | Gabonese
GB United Kingdom; UK; U.K.; Britain; Great Britain | British
GB England; Scotland; Wales; Northern Ireland | English; Scottish; Welsh
GD Grenada | Grenadian
GE Republic of Georgia | Georgian
GF French Guiana |
GG Guernsey |
GH Ghana | Ghanaian
GI Gibraltar |
GL Greenland | Greenlandic
GM Gambia; The Gambia | Gambian
GN Guinea | Guinean
GP Guadeloupe |
GQ Equatorial Guinea | Equatoguinean
GR Greece | Greek
GS South Georgia and the South Sandwich Islands |
GT Guatemala | Guatemalan
GU Guam |
GW Guinea-Bissau |
GY Guyana | Guyanese
HK Hong Kong |
HM Heard Island and McDonald Islands |
HN Honduras | Honduran
HR Croatia | Croatian
HT Haiti | Haitian
HU Hungary | Hungarian
ID Indonesia | Indonesian
IE Ireland; Republic of Ireland | Irish
IL Israel | Israeli
IM Isle of Man | Manx
IN India | Indian
IO British Indian Ocean Territory |
IQ Iraq | Iraqi
IR Iran | Iranian
IS Iceland | Icelandic
IT Italy | Italian
JE Jersey |
JM Jamaica | Jamaican
JO Jordan | Jordanian
JP Japan | Japanese
KE Kenya | Kenyan
KG Kyrgyzstan | Kyrgyz
KH Cambodia | Cambodian
KI Kiribati |
KM Comoros | Comorian
KN Saint Kitts and Nevis; St Kitts and Nevis |
KP North Korea; Democratic People's Republic of Korea; DPRK | North Korean
KR South Korea; Republic of Korea; Korea | South Korean; Korean
KW Kuwait | Kuwaiti
KY Cayman Islands; Caymans |
KZ Kazakhstan | Kazakh; Kazakhstani
LA Laos; Lao PDR | Lao; Laotian
LB Lebanon | Lebanese
LC Saint Lucia; St Lucia | Saint Lucian
LI Liechtenstein |
LK Sri Lanka | Sri Lankan
LR Liberia | Liberian
LS Lesotho |
LT Lithuania | Lithuanian
LU Luxembourg |
LV Latvia | Latvian
LY Libya | Libyan
MA Morocco | Moroccan
MC Monaco | Monegasque
MD Moldova | Moldovan
ME Montenegro | Montenegrin
MF Saint Martin |
MG Madagascar | Malagasy
MH Marshall Islands | Marshallese
MK North Macedonia; Macedonia | Macedonian
ML Mali | Malian
MM Myanmar; Burma | Burmese
MN Mongolia | Mongolian
MO Macao; Macau |
MP Northern Mariana Islands |
MQ Martinique |
MR Mauritania | Mauritanian
MS Montserrat |
MT Malta | Maltese
MU Mauritius | Mauritian
MV Maldives | Maldivian
MW Malawi | Malawian
MX Mexico | Mexican
MY Malaysia | Malaysian
MZ Mozambique | Mozambican
NA Namibia | Namibian
NC New Caledonia |
NE Niger | Nigerien
NF Norfolk Island |
NG Nigeria | Nigerian
NI Nicaragua | Nicaraguan
NL Netherlands; The Netherlands; Holland | Dutch
NO Norway | Norwegian
NP Nepal | Nepalese; Nepali
NR Nauru |
NU Niue |
NZ New Zealand |
OM Oman | Omani
PA Panama | Panamanian
PE Peru | Peruvian
PF French Polynesia |
PG Papua New Guinea | Papua New Guinean
PH Philippines; The Philippines | Philippine; Filipino
PK Pakistan | Pakistani
PL Poland | Polish
PM Saint Pierre and Miquelon |
PN Pitcairn; Pitcairn Islands |
PR Puerto Rico | Puerto Rican
PS Palestine | Palestinian
PT Portugal | Portuguese
PW Palau |
PY Paraguay | Paraguayan
QA Qatar | Qatari
RE Reunion; Réunion |
RO Romania | Romanian
RS Serbia | Serbian
RU Russia; Russian Federation | Russian
RW Rwanda | Rwandan
SA Saudi Arabia | Saudi
SB Solomon Islands |
SC Seychelles |
SD Sudan | Sudanese
SE Sweden | Swedish
SG Singapore | Singaporean
SH Saint Helena |
SI Slovenia | Slovenian
SJ Svalbard and Jan Mayen; Svalbard |
SK Slovakia | Slovak
SL Sierra Leone | Sierra Leonean
SM San Marino |
SN Senegal | Senegalese
SO Somalia | Somali
SR Suriname | Surinamese
SS South Sudan | South Sudanese
ST Sao Tome and Principe; São Tomé and Príncipe |
SV El Salvador | Salvadoran
SX Sint Maarten |
SY Syria | Syrian
SZ Eswatini; Swaziland |
TC Turks and Caicos Islands |
TD Chad | Chadian
TF French Southern Territories |
TG Togo | Togolese
TH Thailand | Thai
TJ Tajikistan | Tajik
TK Tokelau |
TL Timor-Leste; East Timor | Timorese
TM Turkmenistan | Turkmen
TN Tunisia | Tunisian
TO Tonga | Tongan
TR Turkey; Türkiye; Turkiye | Turkish
TT Trinidad and Tobago | Trinidadian
TV Tuvalu |
TW Taiwan | Taiwanese
TZ Tanzania | Tanzanian
UA Ukraine | Ukrainian
UG Uganda | Ugandan
UM United States Minor Outlying Islands |
US United States of America; United States; USA; U.S.A.; U.S.; US; America | American
UY Uruguay | Uruguayan
UZ Uzbekistan | Uzbek
VA Vatican City; Holy See; Vatican |
VC Saint Vincent and the Grenadines |
VE Venezuela | Venezuelan
VG British Virgin Islands |
VI US Virgin Islands; U.S. Virgin Islands |
VN Vietnam; Viet Nam | Vietnamese
VU Vanuatu |
WF Wallis and Futuna |
WS Samoa | Samoan
YE Yemen | Yemeni
YT Mayotte |
ZA South Africa | South African
ZM Zambia | Zambian
ZW Zimbabwe | Zimbabwean
"""


def _parse(table: str) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    names: dict[str, tuple[str, ...]] = {}
    demonyms: dict[str, tuple[str, ...]] = {}
    for line in table.strip().splitlines():
        code, rest = line.split(" ", 1)
        named, _, adjectives = rest.partition("|")
        names[code] = names.get(code, ()) + tuple(n.strip() for n in named.split(";") if n.strip())
        demonyms[code] = demonyms.get(code, ()) + tuple(
            d.strip() for d in adjectives.split(";") if d.strip()
        )
    return names, demonyms


COUNTRY_NAMES: Mapping[str, tuple[str, ...]]
DEMONYMS: Mapping[str, tuple[str, ...]]
COUNTRY_NAMES, DEMONYMS = _parse(_TABLE)


@dataclass(frozen=True, slots=True)
class CountryMention:
    """A country named in text: where, which country, and whether by its name (a place) or by
    its demonym (an adjective: "Vietnamese", "Chilean")."""

    start: int
    end: int
    code: str
    is_place: bool

    @property
    def surface_length(self) -> int:
        return self.end - self.start


def _spellings() -> dict[str, tuple[str, bool]]:
    spellings: dict[str, tuple[str, bool]] = {}
    for code, names in COUNTRY_NAMES.items():
        for name in names:
            spellings.setdefault(name, (code, True))
    for code, adjectives in DEMONYMS.items():
        for adjective in adjectives:
            spellings.setdefault(adjective, (code, False))
    return spellings


_SPELLINGS = _spellings()
#: Words that make a following name part of another place: "New Mexico", "North America",
#: "Latin American". Compound country names ("South Africa", "New Zealand") are in the table and
#: are found whole, since the leftmost, longest spelling is taken first.
_OTHER_PLACE_BEFORE = re.compile(
    r"(?:\bNew|\bNorth|\bSouth|\bEast|\bWest|\bLatin|\bCentral|\bEquatorial|\bPapua|\bBaja)\s+$"
)
# Headlines in capitals ("LAOS BANS EXPORTS …") spell names in capitals; short spellings are
# left out, as they are too often abbreviations of something else.
_SPELLINGS |= {
    spelling.upper(): found for spelling, found in list(_SPELLINGS.items()) if len(spelling) >= 4
}
_COUNTRY_PATTERN = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(re.escape(s) for s in sorted(_SPELLINGS, key=len, reverse=True))
    + r")(?![\w-])"
)


def country_mentions(text: str) -> Iterator[CountryMention]:
    """Every country `text` names, left to right, by name or demonym (capitalised as written).

    "US$" and "A$" are currencies, not countries; "US" must be followed by no "$"."""
    for match in _COUNTRY_PATTERN.finditer(text):
        if text.startswith("$", match.end()):
            continue
        if _OTHER_PLACE_BEFORE.search(text[max(0, match.start() - 12) : match.start()]):
            continue
        code, is_place = _SPELLINGS[match.group()]
        yield CountryMention(match.start(), match.end(), code, is_place)
