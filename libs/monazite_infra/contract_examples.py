"""Example documents for the published contracts, one per event type, as they travel on the topics.

Input examples are events of the reference data (`data/reference/events.jsonl`) and of the demo deal
(`data/examples/`) copied verbatim; the contract tests check that they still match those files.
Where the reference data holds no event of a type, the example is built from reference facts
(`quota_set`) or is illustrative, and says so in its `source`. Output examples are what the
processor published when the reference data and the demo deal were folded: they are validated
against their models whenever the contract document is built.

They live in code, not read from `data/`, because the gateway serves them and the deployed image
carries no data files.
"""

from __future__ import annotations

from typing import Any

#: Names the producer of examples that describe no reported fact.
ILLUSTRATIVE_PUBLISHER = "Monazite contract example"
_ILLUSTRATIVE = {
    "publisher": ILLUSTRATIVE_PUBLISHER,
    "evidence": "illustrative example of the message shape, not a reported fact",
}

REFERENCE_FILE = "data/reference/events.jsonl"
DEMO_DEAL_FILE = "data/examples/baogang_stake_increase.jsonl"

#: Event ids of input examples copied from a data file, with that file.
COPIED_FROM: dict[str, str] = {
    "ref:entity:cnre": REFERENCE_FILE,
    "ref:output:usgs_mcs2025:CN:rare_earths.total_reo.mining:2024:production": REFERENCE_FILE,
    "example:stake:baogang:cnre:2025-06-01": DEMO_DEAL_FILE,
    "ref:venture:cnre_jinlong_jv:2024-12-31": REFERENCE_FILE,
    "ref:policy:cn-mofcom-2025-18": REFERENCE_FILE,
    "ref:policy:cn-mofcom-2025-70": REFERENCE_FILE,
    "ref:policy:funding:us_dod:lynas:other:2023-07-31": REFERENCE_FILE,
    "ref:policy:price-floor:us:mp:ndpr:2025-07-10": REFERENCE_FILE,
}

QUOTA_SOURCE: dict[str, Any] = {
    "publisher": "starfeu.com (rewrite of a Reuters report)",
    "url": "https://starfeu.com/?p=5920",
    "title": "China second batch of 2024 rare earth quotas",
    "evidence": "second 2024 batch of 135,000 t brings China's 2024 mining quota to "
    "270,000 t, up 5.9% on 2023; only the year 2024 is known, so 1 January "
    "is used",
}

INPUT_EXAMPLES: dict[str, dict[str, Any]] = {
    "entity_registered": {
        "event_id": "ref:entity:cnre",
        "type": "entity_registered",
        "schema_version": 1,
        "occurred_at": "2024-02-06T00:00:00+00:00",
        "source": {
            "publisher": "Fastmarkets",
            "url": "https://www.fastmarkets.com/insights/china-issues-first-batch-of-rare-earths-quotas-for-2024",
            "title": "China issues first batch of rare earths quotas for 2024",
            "evidence": "one of the two groups given China's 2024 first-batch quotas",
        },
        "entity_id": "cnre",
        "name": "China Northern Rare Earth (Group) High-Tech Co., Ltd.",
        "aliases": ["Northern Rare Earth", "Baotou Steel Rare-Earth", "600111.SH", "CNRE"],
        "country": "CN",
        "kind": "company",
    },
    "output_reported": {
        "event_id": "ref:output:usgs_mcs2025:CN:rare_earths.total_reo.mining:2024:production",
        "type": "output_reported",
        "schema_version": 1,
        "occurred_at": "2025-01-31T00:00:00+00:00",
        "source": {
            "publisher": "U.S. Geological Survey",
            "url": "https://pubs.usgs.gov/periodicals/mcs2025/mcs2025-rare-earths.pdf",
            "title": "Mineral Commodity Summaries 2025 - Rare Earths",
            "evidence": "USGS world mine production table, China: 2024 estimate, 270,000 t "
            "REO; USGS gives China's production quota, excluding undocumented "
            "output; dated at the MCS 2025 release",
        },
        "country": "CN",
        "commodity": "rare_earths",
        "element_group": "total_reo",
        "stage": "mining",
        "tonnes": 270000,
        "period": 2024,
        "measure": "production",
    },
    "stake_changed": {
        "event_id": "example:stake:baogang:cnre:2025-06-01",
        "type": "stake_changed",
        "schema_version": 1,
        "occurred_at": "2025-06-01T00:00:00+00:00",
        "source": {
            "publisher": "Rare Earth Exchanges",
            "url": "https://rareearthexchanges.com/news/strategic-rare-earth-investment",
            "title": "Baogang Group Injects 1 Billion Yuan to Increase Stake in Northern Rare "
            "Earth",
            "evidence": "Baogang spent CNY 1 bn (about US$138m) raising its stake in China "
            "Northern Rare Earth, the first share purchase under China's new "
            "refinancing policy for strategic firms; the article gives no "
            "percentage and no exact date (1 Jun 2025 is assumed)",
        },
        "holder_id": "baogang",
        "target_id": "cnre",
        "controlling": True,
        "consideration": {"amount": "1000000000", "currency": "CNY"},
    },
    "joint_venture_formed": {
        "event_id": "ref:venture:cnre_jinlong_jv:2024-12-31",
        "type": "joint_venture_formed",
        "schema_version": 1,
        "occurred_at": "2024-12-31T00:00:00+00:00",
        "source": {
            "publisher": "SMM (Shanghai Metals Market)",
            "url": "https://news.metal.com/newscontent/103123160/",
            "title": "China Northern Rare Earth plans to invest 153 million to establish a "
            "joint venture with Jinlong Rare Earth to build a 5,000 mt rare earth "
            "oxide separation production line",
            "evidence": "CNRE announced on 31 Dec 2024 that it will put CNY 153m of its own "
            "funds into a new company with its associate Fujian Jinlong to build a "
            "5,000 t/yr REO separation line in Baotou; the source gives no split "
            "between the partners, so no percentages are stated; the CNY 153m is "
            "CNRE's contribution",
        },
        "venture_id": "cnre_jinlong_jv",
        "name": "Northern Jinlong (Baotou) Rare Earth Co., Ltd.",
        "country": "CN",
        "partners": [{"entity_id": "cnre"}, {"entity_id": "fujian_jinlong"}],
        "consideration": {"amount": "153000000", "currency": "CNY"},
    },
    "export_control_imposed": {
        "event_id": "ref:policy:cn-mofcom-2025-18",
        "type": "export_control_imposed",
        "schema_version": 1,
        "occurred_at": "2025-04-04T00:00:00+00:00",
        "source": {
            "publisher": "Holland & Knight",
            "url": "https://hklaw.com/en/insights/publications/2025/04/china-imposes-export-controls-on-medium-and-heavy-rare-earth-materials",
            "title": "China imposes export controls on medium and heavy rare earth materials",
            "evidence": "MOFCOM/GAC Announcement No. 18 [2025]: licences needed, from the day "
            "of issue, to export samarium, gadolinium, terbium, dysprosium, "
            "lutetium, scandium and yttrium (metals, alloys, oxides, compounds) "
            "and related magnets, among them SmCo and Tb/Dy-containing NdFeB "
            "magnets (so the NdFeB magnet market is named as covered)",
        },
        "control_id": "cn-mofcom-2025-18",
        "jurisdiction": "CN",
        "commodity": "rare_earths",
        "elements": ["Sm", "Gd", "Tb", "Dy", "Lu", "Sc", "Y"],
        "element_groups": ["ndfeb"],
        "stages": ["separation", "metals", "magnets"],
        "restriction": "licence",
        "effective_from": "2025-04-04",
    },
    "export_control_suspended": {
        "event_id": "ref:policy:cn-mofcom-2025-70",
        "type": "export_control_suspended",
        "schema_version": 1,
        "occurred_at": "2025-11-07T00:00:00+00:00",
        "source": {
            "publisher": "ChemRadar",
            "url": "https://www.chemradar.com/en/news/detail/f3s7t2oy9qf4",
            "title": "MOFCOM and GAC Announcement No. 70 of 2025 (suspension of six export "
            "control announcements)",
            "evidence": "MOFCOM/GAC Announcement No. 70 of 7 Nov 2025 suspends Announcements "
            "55-58, 61 and 62 with immediate effect until 10 Nov 2026; the April "
            "2025 controls (No. 18) are not suspended",
        },
        "control_id": "cn-mofcom-2025-oct",
        "effective_from": "2025-11-07",
        "effective_until": "2026-11-10",
    },
    "funding_awarded": {
        "event_id": "ref:policy:funding:us_dod:lynas:other:2023-07-31",
        "type": "funding_awarded",
        "schema_version": 1,
        "occurred_at": "2023-07-31T00:00:00+00:00",
        "source": {
            "publisher": "Magnetics Magazine",
            "url": "https://magneticsmag.com/u-s-dod-strengthens-support-for-lynas-u-s-facility/",
            "title": "DoD strengthens support for Lynas U.S. facility",
            "evidence": "follow-on DoD contract reimbursing construction costs of the heavy "
            "rare-earth part of Lynas' Texas (Seadrift) processing plant; about "
            "US$258m allocated, up from about US$120m in June 2022",
        },
        "funder_id": "us_dod",
        "recipient_id": "lynas",
        "instrument": "other",
        "amount": {"amount": "258000000", "currency": "USD"},
        "purpose": "construction contract: heavy rare-earth separation plant, Seadrift, Texas",
    },
    "price_floor_set": {
        "event_id": "ref:policy:price-floor:us:mp:ndpr:2025-07-10",
        "type": "price_floor_set",
        "schema_version": 1,
        "occurred_at": "2025-07-10T00:00:00+00:00",
        "source": {
            "publisher": "StockTitan (summary of MP Materials Form 8-K)",
            "url": "https://www.stocktitan.net/sec-filings/MP/8-k-mp-materials-corp-reports-material-event-09e507ca127b.html",
            "title": "MP Materials 8-K: agreements with the US Department of Defense",
            "evidence": "10-year DoD commitment to a US$110/kg floor for MP's NdPr products "
            "sold or stockpiled, with DoD sharing the upside; the term is counted "
            "from the agreement date as the source gives no start date",
        },
        "jurisdiction": "US",
        "beneficiary_id": "mp",
        "commodity": "rare_earths",
        "element_group": "ndpr",
        "price": {"amount": "110", "currency": "USD"},
        "per_unit": "kg",
        "effective_from": "2025-07-10",
        "effective_until": "2035-07-10",
    },
    "quota_set": {
        # China's 2024 mining quota as the reference data records it (there as output_reported
        # with measure quota), from the same source.
        "event_id": "example:quota:CN:rare_earths.total_reo.mining:2024",
        "type": "quota_set",
        "schema_version": 1,
        "occurred_at": "2024-01-01T00:00:00+00:00",
        "source": QUOTA_SOURCE,
        "jurisdiction": "CN",
        "quota_kind": "production",
        "commodity": "rare_earths",
        "element_group": "total_reo",
        "stage": "mining",
        "tonnes": 270000,
        "period": 2024,
    },
    "merger_completed": {
        "event_id": "example:merger:creg:ganzhou_re",
        "type": "merger_completed",
        "schema_version": 1,
        "occurred_at": "2025-09-01T00:00:00+00:00",
        "source": _ILLUSTRATIVE,
        "survivor_id": "creg",
        "absorbed_id": "ganzhou_re",
    },
    "asset_transferred": {
        "event_id": "example:transfer:example_mine:2025-09-01",
        "type": "asset_transferred",
        "schema_version": 1,
        "occurred_at": "2025-09-01T00:00:00+00:00",
        "source": _ILLUSTRATIVE,
        "facility_id": "example_mine",
        "from_entity_id": "mp",
        "to_entity_id": "example_buyer",
        "consideration": {"amount": "100000000", "currency": "USD"},
    },
    "export_control_lifted": {
        "event_id": "example:policy:cn-mofcom-2025-18:lifted",
        "type": "export_control_lifted",
        "schema_version": 1,
        "occurred_at": "2026-12-01T00:00:00+00:00",
        "source": _ILLUSTRATIVE,
        "control_id": "cn-mofcom-2025-18",
        "effective_from": "2026-12-01",
    },
    "tariff_imposed": {
        "event_id": "example:policy:tariff:US:CN:magnets:2026",
        "type": "tariff_imposed",
        "schema_version": 1,
        "occurred_at": "2026-01-01T00:00:00+00:00",
        "source": _ILLUSTRATIVE,
        "jurisdiction": "US",
        "on_origin": "CN",
        "commodity": "rare_earths",
        "stages": ["magnets"],
        "rate_pct": 25,
        "effective_from": "2026-01-01",
    },
    "event_retracted": {
        "event_id": "example:retraction:transfer:example_mine:2025-09-01",
        "type": "event_retracted",
        "schema_version": 1,
        "occurred_at": "2025-09-02T00:00:00+00:00",
        "source": _ILLUSTRATIVE,
        "retracted_event_id": "example:transfer:example_mine:2025-09-01",
        "reason": "the sale was reported in error: the mine did not change hands",
    },
}

#: The change that completed 2024 world mine production by country (USGS), with the figures
#: before it.
INDEX_CHANGED_EXAMPLE: dict[str, Any] = {
    "event_id": "index_changed:38b02bd0802e2f1d171d",
    "schema_version": 1,
    "occurred_at": "2025-01-31T00:00:00Z",
    "recorded_at": "2025-07-01T00:00:00Z",
    "source": {"publisher": "monazite-processor"},
    "causation_id": "ref:output:usgs_mcs2025:ZZ:rare_earths.total_reo.mining:2024:production",
    "type": "index_changed",
    "market_id": "rare_earths.total_reo.mining",
    "commodity": "rare_earths",
    "element_group": "total_reo",
    "stage": "mining",
    "basis": "country_location",
    "period": 2024,
    "measure": "production",
    "figures": {
        "hhi": 4923.5464,
        "cr1": 68.5366,
        "cr3": 87.8284,
        "cr4": 91.1283,
        "effective_suppliers": 2.0311,
        "supplier_count": 12,
        "total_tonnes": "393950",
        "unattributed_tonnes": "1100",
        "top_suppliers": [
            {"supplier_id": "CN", "name": "CN", "tonnes": "270000", "share_pct": 68.5366},
            {"supplier_id": "US", "name": "US", "tonnes": "45000", "share_pct": 11.4228},
            {"supplier_id": "MM", "name": "MM", "tonnes": "31000", "share_pct": 7.869},
            {"supplier_id": "AU", "name": "AU", "tonnes": "13000", "share_pct": 3.2999},
            {"supplier_id": "NG", "name": "NG", "tonnes": "13000", "share_pct": 3.2999},
            {"supplier_id": "TH", "name": "TH", "tonnes": "13000", "share_pct": 3.2999},
            {"supplier_id": "IN", "name": "IN", "tonnes": "2900", "share_pct": 0.7361},
            {"supplier_id": "RU", "name": "RU", "tonnes": "2500", "share_pct": 0.6346},
            {"supplier_id": "MG", "name": "MG", "tonnes": "2000", "share_pct": 0.5077},
            {"supplier_id": "VN", "name": "VN", "tonnes": "300", "share_pct": 0.0762},
        ],
    },
    "previous": {
        "hhi": 4951.1574,
        "cr1": 68.7285,
        "cr3": 88.0743,
        "cr4": 91.3835,
        "effective_suppliers": 2.0197,
        "supplier_count": 12,
        "total_tonnes": "392850",
        "unattributed_tonnes": "0",
        "top_suppliers": [
            {"supplier_id": "CN", "name": "CN", "tonnes": "270000", "share_pct": 68.7285},
            {"supplier_id": "US", "name": "US", "tonnes": "45000", "share_pct": 11.4548},
            {"supplier_id": "MM", "name": "MM", "tonnes": "31000", "share_pct": 7.8911},
            {"supplier_id": "AU", "name": "AU", "tonnes": "13000", "share_pct": 3.3092},
            {"supplier_id": "NG", "name": "NG", "tonnes": "13000", "share_pct": 3.3092},
            {"supplier_id": "TH", "name": "TH", "tonnes": "13000", "share_pct": 3.3092},
            {"supplier_id": "IN", "name": "IN", "tonnes": "2900", "share_pct": 0.7382},
            {"supplier_id": "RU", "name": "RU", "tonnes": "2500", "share_pct": 0.6364},
            {"supplier_id": "MG", "name": "MG", "tonnes": "2000", "share_pct": 0.5091},
            {"supplier_id": "VN", "name": "VN", "tonnes": "300", "share_pct": 0.0764},
        ],
    },
    "caused_by": ["ref:output:usgs_mcs2025:ZZ:rare_earths.total_reo.mining:2024:production"],
}

#: The assessment of the demo deal (Baogang's CNY 1 bn purchase of CNRE shares).
DEAL_ASSESSED_EXAMPLE: dict[str, Any] = {
    "event_id": "deal_assessed:example:stake:baogang:cnre:2025-06-01",
    "schema_version": 1,
    "occurred_at": "2025-06-01T00:00:00Z",
    "recorded_at": "2025-07-01T00:00:00Z",
    "source": {"publisher": "monazite-processor"},
    "causation_id": "example:stake:baogang:cnre:2025-06-01",
    "type": "deal_assessed",
    "deal_event_id": "example:stake:baogang:cnre:2025-06-01",
    "deal_type": "stake_changed",
    "acquirer_id": "baogang",
    "subject_id": "cnre",
    "controller_before": "baogang",
    "controller_after": "baogang",
    "control_changed": False,
    "markets": [
        {
            "market_id": "rare_earths.light_reo.mining",
            "period": 2024,
            "measure": "quota",
            "basis": "company_control",
            "hhi_before": 6326.0054,
            "hhi_after": 6326.0054,
            "delta_hhi": 0.0,
            "combined_share": 75.7488,
            "control_changed": False,
            "screens": [
                {
                    "name": "us_2023_hhi",
                    "triggered": False,
                    "rule": "post-deal HHI > 1800 and ΔHHI > 100",
                },
                {
                    "name": "us_2023_share",
                    "triggered": False,
                    "rule": "combined share > 30 % and ΔHHI > 100",
                },
            ],
            "summary": "rare_earths.light_reo.mining 2024 (quota), company_control: HHI "
            "unchanged at 6,326",
        },
        {
            "market_id": "rare_earths.light_reo.mining",
            "period": 2024,
            "measure": "quota",
            "basis": "company_equity",
            "hhi_before": 5869.8846,
            "hhi_after": 5869.8846,
            "delta_hhi": 0.0,
            "combined_share": 0.0,
            "control_changed": False,
            "screens": [
                {
                    "name": "us_2023_hhi",
                    "triggered": False,
                    "rule": "post-deal HHI > 1800 and ΔHHI > 100",
                },
                {
                    "name": "us_2023_share",
                    "triggered": False,
                    "rule": "combined share > 30 % and ΔHHI > 100",
                },
            ],
            "summary": "rare_earths.light_reo.mining 2024 (quota), company_equity: HHI "
            "unchanged at 5,870",
        },
        {
            "market_id": "rare_earths.light_reo.mining",
            "period": 2024,
            "measure": "quota",
            "basis": "country_control",
            "hhi_before": 10000.0,
            "hhi_after": 10000.0,
            "delta_hhi": 0.0,
            "combined_share": 100.0,
            "control_changed": False,
            "screens": [
                {
                    "name": "eu_crma_single_third_country",
                    "triggered": True,
                    "rule": "one non-EU country above 65 % at a stage",
                }
            ],
            "summary": "rare_earths.light_reo.mining 2024 (quota), country_control: HHI "
            "unchanged at 10,000; triggers eu_crma_single_third_country",
        },
        {
            "market_id": "rare_earths.total_reo.mining",
            "period": 2024,
            "measure": "quota",
            "basis": "company_control",
            "hhi_before": 1451.1869,
            "hhi_after": 1451.1869,
            "delta_hhi": 0.0,
            "combined_share": 35.0296,
            "control_changed": False,
            "screens": [
                {
                    "name": "us_2023_hhi",
                    "triggered": False,
                    "rule": "post-deal HHI > 1800 and ΔHHI > 100",
                },
                {
                    "name": "us_2023_share",
                    "triggered": False,
                    "rule": "combined share > 30 % and ΔHHI > 100",
                },
            ],
            "summary": "rare_earths.total_reo.mining 2024 (quota), company_control: HHI "
            "unchanged at 1,451",
        },
        {
            "market_id": "rare_earths.total_reo.mining",
            "period": 2024,
            "measure": "quota",
            "basis": "company_equity",
            "hhi_before": 1277.3749,
            "hhi_after": 1277.3749,
            "delta_hhi": 0.0,
            "combined_share": 0.0,
            "control_changed": False,
            "screens": [
                {
                    "name": "us_2023_hhi",
                    "triggered": False,
                    "rule": "post-deal HHI > 1800 and ΔHHI > 100",
                },
                {
                    "name": "us_2023_share",
                    "triggered": False,
                    "rule": "combined share > 30 % and ΔHHI > 100",
                },
            ],
            "summary": "rare_earths.total_reo.mining 2024 (quota), company_equity: HHI "
            "unchanged at 1,277",
        },
        {
            "market_id": "rare_earths.total_reo.mining",
            "period": 2024,
            "measure": "quota",
            "basis": "country_control",
            "hhi_before": 2500.0,
            "hhi_after": 2500.0,
            "delta_hhi": 0.0,
            "combined_share": 50.0,
            "control_changed": False,
            "screens": [
                {
                    "name": "eu_crma_single_third_country",
                    "triggered": False,
                    "rule": "one non-EU country above 65 % at a stage",
                }
            ],
            "summary": "rare_earths.total_reo.mining 2024 (quota), country_control: HHI "
            "unchanged at 2,500",
        },
        {
            "market_id": "rare_earths.total_reo.separation",
            "period": 2024,
            "measure": "quota",
            "basis": "company_control",
            "hhi_before": 1436.2298,
            "hhi_after": 1436.2298,
            "delta_hhi": 0.0,
            "combined_share": 34.6496,
            "control_changed": False,
            "screens": [
                {
                    "name": "us_2023_hhi",
                    "triggered": False,
                    "rule": "post-deal HHI > 1800 and ΔHHI > 100",
                },
                {
                    "name": "us_2023_share",
                    "triggered": False,
                    "rule": "combined share > 30 % and ΔHHI > 100",
                },
            ],
            "summary": "rare_earths.total_reo.separation 2024 (quota), company_control: HHI "
            "unchanged at 1,436",
        },
        {
            "market_id": "rare_earths.total_reo.separation",
            "period": 2024,
            "measure": "quota",
            "basis": "company_equity",
            "hhi_before": 1253.4813,
            "hhi_after": 1253.4813,
            "delta_hhi": 0.0,
            "combined_share": 0.0,
            "control_changed": False,
            "screens": [
                {
                    "name": "us_2023_hhi",
                    "triggered": False,
                    "rule": "post-deal HHI > 1800 and ΔHHI > 100",
                },
                {
                    "name": "us_2023_share",
                    "triggered": False,
                    "rule": "combined share > 30 % and ΔHHI > 100",
                },
            ],
            "summary": "rare_earths.total_reo.separation 2024 (quota), company_equity: HHI "
            "unchanged at 1,253",
        },
        {
            "market_id": "rare_earths.total_reo.separation",
            "period": 2024,
            "measure": "quota",
            "basis": "country_control",
            "hhi_before": 2500.0,
            "hhi_after": 2500.0,
            "delta_hhi": 0.0,
            "combined_share": 50.0,
            "control_changed": False,
            "screens": [
                {
                    "name": "eu_crma_single_third_country",
                    "triggered": False,
                    "rule": "one non-EU country above 65 % at a stage",
                }
            ],
            "summary": "rare_earths.total_reo.separation 2024 (quota), country_control: HHI "
            "unchanged at 2,500",
        },
    ],
    "screens_triggered": ["rare_earths.light_reo.mining:eu_crma_single_third_country"],
    "summary": "Baotou Iron and Steel (Group) Co., Ltd. already controlled China Northern Rare "
    "Earth (Group) High-Tech Co., Ltd., so control did not change; company_control and "
    "company_equity and country_control concentration unchanged; the stake percentage "
    "is undisclosed, so the equity basis cannot move.",
}

#: China's April 2025 licence regime halving the NdFeB magnet supply left to the rest of the world.
ALERT_RAISED_EXAMPLE: dict[str, Any] = {
    "event_id": "alert:cf52124104112de1eda1",
    "schema_version": 2,
    "occurred_at": "2025-04-04T00:00:00Z",
    "recorded_at": "2025-07-01T00:00:00Z",
    "source": {"publisher": "monazite-processor"},
    "causation_id": "index_changed:2abc722ef7769860f823",
    "type": "alert_raised",
    "kind": "rest_of_world_supply_cut",
    "market_id": "rare_earths.ndfeb.magnets",
    "basis": "available_to_rest_of_world",
    "period": 2024,
    "measure": "share",
    "threshold": 10.0,
    "value_before": 90.0,
    "value_after": 45.0,
    "direction": "down",
    "caused_by": ["ref:policy:cn-mofcom-2025-18"],
    "message": "rare_earths.ndfeb.magnets 2024 (share): supply available to the rest of the world "
    "cut by 50.0 % (90 t → 45 t)",
}

#: A stake naming a holder never registered, once its parking time ran out.
DEAD_LETTERED_EXAMPLE: dict[str, Any] = {
    "type": "dead_lettered",
    "reason": "holder_id: unknown entity 'acme_metals'; publish its entity_registered event first"
    " (then re-drive this one)",
    "topic": "monazite.ownership",
    "partition": 2,
    "offset": 17,
    "event_id": "example:stake:acme_metals:cnre:2025-06-02",
    "payload": '{"event_id":"example:stake:acme_metals:cnre:2025-06-02","type":"stake_changed",'
    '"schema_version":1,"occurred_at":"2025-06-02T00:00:00+00:00","source":{"publisher":'
    '"Monazite contract example"},"holder_id":"acme_metals","target_id":"cnre","pct_after":"5"}',
    "dead_lettered_at": "2025-06-02T00:00:31Z",
}


#: The rare-earth chain as the reference data draws it, published when the magnet shares arrived.
CHAIN_CHANGED_EXAMPLE: dict[str, Any] = {
    "event_id": "chain_changed:b2ed6d1a80a13eac7c5a",
    "schema_version": 2,
    "occurred_at": "2025-12-01T00:00:00Z",
    "recorded_at": "2025-12-01T00:00:00Z",
    "source": {"publisher": "monazite-processor"},
    "causation_id": "ref:output:rex_neo_narva:ZZ:rare_earths.ndfeb.magnets:2024:share",
    "type": "chain_changed",
    "commodity": "rare_earths",
    "chain": {
        "commodity": "rare_earths",
        "stages": [
            {
                "stage": "mining",
                "market_id": "rare_earths.total_reo.mining",
                "period": 2024,
                "measure": "production",
                "unit": "t",
                "total": "393950",
                "world_coverage": True,
                "control_known_pct": 11.5383,
                "blocs": [
                    {"bloc": "china", "located_pct": 68.5366, "controlled_pct": 0.0},
                    {"bloc": "united_states", "located_pct": 11.4228, "controlled_pct": 11.5383},
                    {"bloc": "eu", "located_pct": 0.0, "controlled_pct": 0.0},
                    {"bloc": "allied", "located_pct": 15.4588, "controlled_pct": 11.5383},
                ],
                "caused_by": [
                    "ref:output:mp_fy2024:mp:rare_earths.total_reo.mining:2024:production",
                    "ref:output:usgs_mcs2025:AU:rare_earths.total_reo.mining:2024:production",
                    "ref:output:usgs_mcs2025:BR:rare_earths.total_reo.mining:2024:production",
                    "ref:output:usgs_mcs2025:CN:rare_earths.total_reo.mining:2024:production",
                    "ref:output:usgs_mcs2025:IN:rare_earths.total_reo.mining:2024:production",
                    "ref:output:usgs_mcs2025:MG:rare_earths.total_reo.mining:2024:production",
                    "ref:output:usgs_mcs2025:MM:rare_earths.total_reo.mining:2024:production",
                    "ref:output:usgs_mcs2025:MY:rare_earths.total_reo.mining:2024:production",
                    "ref:output:usgs_mcs2025:NG:rare_earths.total_reo.mining:2024:production",
                    "ref:output:usgs_mcs2025:RU:rare_earths.total_reo.mining:2024:production",
                    "ref:output:usgs_mcs2025:TH:rare_earths.total_reo.mining:2024:production",
                    "ref:output:usgs_mcs2025:US:rare_earths.total_reo.mining:2024:production",
                    "ref:output:usgs_mcs2025:VN:rare_earths.total_reo.mining:2024:production",
                    "ref:output:usgs_mcs2025:ZZ:rare_earths.total_reo.mining:2024:production",
                ],
            },
            {
                "stage": "separation",
                "market_id": "rare_earths.total_reo.separation",
                "period": 2023,
                "measure": "share",
                "unit": "pct_points",
                "total": "100",
                "world_coverage": True,
                "control_known_pct": 0.0,
                "blocs": [
                    {"bloc": "china", "located_pct": 92.0},
                    {"bloc": "united_states", "located_pct": 0.0},
                    {"bloc": "eu", "located_pct": 0.0},
                    {"bloc": "allied", "located_pct": 0.0},
                ],
                "caused_by": [
                    "ref:output:iea_gcmo2024_seaisi:CN:rare_earths.total_reo.separation:2023:share",
                    "ref:output:iea_gcmo2024_seaisi:MY:rare_earths.total_reo.separation:2023:share",
                    "ref:output:iea_gcmo2024_seaisi:ZZ:rare_earths.total_reo.separation:2023:share",
                ],
            },
            {
                "stage": "magnets",
                "market_id": "rare_earths.ndfeb.magnets",
                "period": 2024,
                "measure": "share",
                "unit": "pct_points",
                "total": "100",
                "world_coverage": True,
                "control_known_pct": 0.0,
                "blocs": [
                    {"bloc": "china", "located_pct": 90.0},
                    {"bloc": "united_states", "located_pct": 0.0},
                    {"bloc": "eu", "located_pct": 0.0},
                    {"bloc": "allied", "located_pct": 0.0},
                ],
                "caused_by": [
                    "ref:output:rex_neo_narva:CN:rare_earths.ndfeb.magnets:2024:share",
                    "ref:output:rex_neo_narva:ZZ:rare_earths.ndfeb.magnets:2024:share",
                    "ref:policy:cn-mofcom-2025-18",
                ],
            },
        ],
        "companies": [
            {
                "controller_id": "baogang",
                "name": "Baotou Iron and Steel (Group) Co., Ltd.",
                "stages": [
                    {
                        "stage": "mining",
                        "market_id": "rare_earths.total_reo.mining",
                        "period": 2024,
                        "measure": "quota",
                        "tonnes": "94580",
                        "share_pct": 35.0296,
                    },
                    {
                        "stage": "separation",
                        "market_id": "rare_earths.total_reo.separation",
                        "period": 2024,
                        "measure": "quota",
                        "tonnes": "88010",
                        "share_pct": 34.6496,
                    },
                ],
                "integration_score": 1.0,
                "end_to_end": False,
            },
            {
                "controller_id": "creg",
                "name": "China Rare Earth Group Co., Ltd.",
                "stages": [
                    {
                        "stage": "mining",
                        "market_id": "rare_earths.total_reo.mining",
                        "period": 2024,
                        "measure": "quota",
                        "tonnes": "40420",
                        "share_pct": 14.9704,
                    },
                    {
                        "stage": "separation",
                        "market_id": "rare_earths.total_reo.separation",
                        "period": 2024,
                        "measure": "quota",
                        "tonnes": "38990",
                        "share_pct": 15.3504,
                    },
                ],
                "integration_score": 1.0,
                "end_to_end": False,
            },
            {
                "controller_id": "mp",
                "name": "MP Materials Corp.",
                "stages": [
                    {
                        "stage": "mining",
                        "market_id": "rare_earths.total_reo.mining",
                        "period": 2024,
                        "measure": "production",
                        "tonnes": "45455",
                        "share_pct": 11.5383,
                    },
                    {
                        "stage": "separation",
                        "market_id": "rare_earths.ndpr.separation",
                        "period": 2024,
                        "measure": "production",
                        "tonnes": "1294",
                        "share_pct": 18.6214,
                    },
                ],
                "integration_score": 1.0,
                "end_to_end": False,
            },
            {
                "controller_id": "lynas",
                "name": "Lynas Rare Earths Ltd",
                "stages": [
                    {
                        "stage": "separation",
                        "market_id": "rare_earths.total_reo.separation",
                        "period": 2024,
                        "measure": "production",
                        "tonnes": "10908",
                        "share_pct": 100.0,
                    }
                ],
                "integration_score": 0.0,
                "end_to_end": False,
            },
            {
                "controller_id": "neo",
                "name": "Neo Performance Materials",
                "stages": [
                    {
                        "stage": "separation",
                        "market_id": "rare_earths.light_reo.separation",
                        "period": 2023,
                        "measure": "capacity",
                        "tonnes": "3000",
                        "share_pct": 100.0,
                    }
                ],
                "integration_score": 0.0,
                "end_to_end": False,
            },
        ],
        "countries": [
            {
                "controller_id": "CN",
                "name": "CN",
                "stages": [
                    {
                        "stage": "mining",
                        "market_id": "rare_earths.total_reo.mining",
                        "period": 2024,
                        "measure": "quota",
                        "tonnes": "135000",
                        "share_pct": 50.0,
                    },
                    {
                        "stage": "separation",
                        "market_id": "rare_earths.total_reo.separation",
                        "period": 2024,
                        "measure": "quota",
                        "tonnes": "127000",
                        "share_pct": 50.0,
                    },
                ],
                "integration_score": 1.0,
                "end_to_end": False,
            },
            {
                "controller_id": "US",
                "name": "US",
                "stages": [
                    {
                        "stage": "mining",
                        "market_id": "rare_earths.total_reo.mining",
                        "period": 2024,
                        "measure": "production",
                        "tonnes": "45455",
                        "share_pct": 11.5383,
                    },
                    {
                        "stage": "separation",
                        "market_id": "rare_earths.ndpr.separation",
                        "period": 2024,
                        "measure": "production",
                        "tonnes": "1294",
                        "share_pct": 18.6214,
                    },
                ],
                "integration_score": 1.0,
                "end_to_end": False,
            },
            {
                "controller_id": "AU",
                "name": "AU",
                "stages": [
                    {
                        "stage": "separation",
                        "market_id": "rare_earths.total_reo.separation",
                        "period": 2024,
                        "measure": "production",
                        "tonnes": "10908",
                        "share_pct": 100.0,
                    }
                ],
                "integration_score": 0.0,
                "end_to_end": False,
            },
            {
                "controller_id": "CA",
                "name": "CA",
                "stages": [
                    {
                        "stage": "separation",
                        "market_id": "rare_earths.light_reo.separation",
                        "period": 2023,
                        "measure": "capacity",
                        "tonnes": "3000",
                        "share_pct": 100.0,
                    }
                ],
                "integration_score": 0.0,
                "end_to_end": False,
            },
        ],
        "end_to_end": [],
        "dependency": {
            "commodity": "rare_earths",
            "on": "china",
            "for_bloc": "allied",
            "stages": [
                {
                    "stage": "mining",
                    "market_id": "rare_earths.total_reo.mining",
                    "period": 2024,
                    "measure": "production",
                    "unit": "t",
                    "world": "393950",
                    "outside": "123950",
                    "outside_pct": 31.4634,
                    "outside_available": "1.2395E+5",
                    "outside_available_pct": 31.4634,
                    "obtainable": "3.9395E+5",
                    "obtainable_pct": 100.0,
                    "within_for": "60900",
                    "within_for_pct": 15.4588,
                    "controls_in_force": [],
                    "caused_by": [
                        "ref:output:mp_fy2024:mp:rare_earths.total_reo.mining:2024:production",
                        "ref:output:usgs_mcs2025:AU:rare_earths.total_reo.mining:2024:production",
                        "ref:output:usgs_mcs2025:BR:rare_earths.total_reo.mining:2024:production",
                        "ref:output:usgs_mcs2025:CN:rare_earths.total_reo.mining:2024:production",
                        "ref:output:usgs_mcs2025:IN:rare_earths.total_reo.mining:2024:production",
                        "ref:output:usgs_mcs2025:MG:rare_earths.total_reo.mining:2024:production",
                        "ref:output:usgs_mcs2025:MM:rare_earths.total_reo.mining:2024:production",
                        "ref:output:usgs_mcs2025:MY:rare_earths.total_reo.mining:2024:production",
                        "ref:output:usgs_mcs2025:NG:rare_earths.total_reo.mining:2024:production",
                        "ref:output:usgs_mcs2025:RU:rare_earths.total_reo.mining:2024:production",
                        "ref:output:usgs_mcs2025:TH:rare_earths.total_reo.mining:2024:production",
                        "ref:output:usgs_mcs2025:US:rare_earths.total_reo.mining:2024:production",
                        "ref:output:usgs_mcs2025:VN:rare_earths.total_reo.mining:2024:production",
                        "ref:output:usgs_mcs2025:ZZ:rare_earths.total_reo.mining:2024:production",
                    ],
                },
                {
                    "stage": "separation",
                    "market_id": "rare_earths.total_reo.separation",
                    "period": 2023,
                    "measure": "share",
                    "unit": "pct_points",
                    "world": "100",
                    "outside": "8",
                    "outside_pct": 8.0,
                    "outside_available": "8",
                    "outside_available_pct": 8.0,
                    "obtainable": "1E+2",
                    "obtainable_pct": 100.0,
                    "within_for": "0",
                    "within_for_pct": 0.0,
                    "controls_in_force": [],
                    "caused_by": [
                        "ref:output:iea_gcmo2024_seaisi:CN:rare_earths.total_reo.separation:2023:share",
                        "ref:output:iea_gcmo2024_seaisi:MY:rare_earths.total_reo.separation:2023:share",
                        "ref:output:iea_gcmo2024_seaisi:ZZ:rare_earths.total_reo.separation:2023:share",
                    ],
                },
                {
                    "stage": "magnets",
                    "market_id": "rare_earths.ndfeb.magnets",
                    "period": 2024,
                    "measure": "share",
                    "unit": "pct_points",
                    "world": "100",
                    "outside": "10",
                    "outside_pct": 10.0,
                    "outside_available": "1E+1",
                    "outside_available_pct": 10.0,
                    "obtainable": "55",
                    "obtainable_pct": 55.0,
                    "within_for": "0",
                    "within_for_pct": 0.0,
                    "controls_in_force": ["ref:policy:cn-mofcom-2025-18"],
                    "caused_by": [
                        "ref:output:rex_neo_narva:CN:rare_earths.ndfeb.magnets:2024:share",
                        "ref:output:rex_neo_narva:ZZ:rare_earths.ndfeb.magnets:2024:share",
                        "ref:policy:cn-mofcom-2025-18",
                    ],
                },
            ],
            "bottleneck": {
                "stage": "separation",
                "market_id": "rare_earths.total_reo.separation",
                "share_pct": 8.0,
            },
            "bottleneck_without_controls": {
                "stage": "separation",
                "market_id": "rare_earths.total_reo.separation",
                "share_pct": 8.0,
            },
            "obtainable_bottleneck": {
                "stage": "magnets",
                "market_id": "rare_earths.ndfeb.magnets",
                "share_pct": 55.0,
            },
            "summary": "rare_earths: outside China, the chain is narrowest at separation"
            " (8.0 % of world supply). With China's export controls in force, United States"
            " and allies can obtain at most 55.0 % of world supply at magnets.",
        },
    },
    "caused_by": [
        "ref:output:rex_neo_narva:CN:rare_earths.ndfeb.magnets:2024:share",
        "ref:output:rex_neo_narva:ZZ:rare_earths.ndfeb.magnets:2024:share",
    ],
}
