"""Quotas in the wordings of filings and notices: a company's own quota by "its … quota", a
quota granted to a company, exports capped at a tonnage, and a ceiling of "no more than"."""

from __future__ import annotations

from monazite_producer.news.entities import EntityDirectory
from tests.support.news import extract, only, published


def test_its_separation_quota_in_a_companys_report_is_the_companys(
    directory: EntityDirectory,
) -> None:
    body = (
        "China Northern Rare Earth said in its annual report that its smelting and separation"
        " quota for 2024 came to 88,010 tonnes."
    )
    document = only(extract(directory, body), "quota_set")
    assert (document["entity_id"], document["stage"], document["tonnes"]) == (
        "cnre",
        "separation",
        "88010",
    )


def test_a_quota_granted_to_a_company_is_that_companys(directory: EntityDirectory) -> None:
    body = (
        "Vietnam's trade ministry has granted Vietnam Rare Earth Company a mining quota of 2,100"
        " tonnes of REO for 2025."
    )
    document = only(extract(directory, body), "quota_set")
    assert (document["jurisdiction"], document["entity_id"]) == ("VN", "vietnam_re")
    assert (document["stage"], document["tonnes"]) == ("mining", "2100")


def test_exports_capped_at_a_tonnage_are_an_export_quota(directory: EntityDirectory) -> None:
    body = (
        "Total exports of separated rare-earth oxides and compounds from China are capped at"
        " 41,000 tonnes for 2026, the commerce ministry said."
    )
    document = only(extract(directory, body), "quota_set")
    assert (document["quota_kind"], document["stage"], document["tonnes"]) == (
        "export",
        "separation",
        "41000",
    )


def test_no_more_than_a_tonnage_leaving_the_country_is_an_exact_export_cap(
    directory: EntityDirectory,
) -> None:
    body = (
        "India will let no more than 900 tonnes of rare-earth oxides leave the country in"
        " calendar 2026, the Department of Atomic Energy said."
    )
    document = only(extract(directory, body), "quota_set")
    assert (document["jurisdiction"], document["quota_kind"]) == ("IN", "export")
    assert (document["tonnes"], document["period"]) == ("900", 2026)


def test_chinas_control_indicators_are_quotas_and_its_indicator_is_the_companys(
    directory: EntityDirectory,
) -> None:
    body = (
        "1. The total-quantity control indicator for rare-earth mining in 2026 is 296,000 tonnes"
        " of rare-earth oxide (REO).\n"
        "China Northern Rare Earth said it had received its indicators for the year. Its mining"
        " indicator, all for light rare earths, is 213,500 tonnes of REO."
    )
    quotas = published(
        extract(directory, body, title="China sets 2026 rare-earth totals", day="2026-03-20"),
        "quota_set",
    )
    assert {(q["jurisdiction"], q.get("entity_id"), q["tonnes"], q["period"]) for q in quotas} == {
        ("CN", None, "296000", 2026),
        ("CN", "cnre", "213500", 2026),
    }


def test_a_list_of_quotas_reads_each_item_with_the_words_that_introduce_it(
    directory: EntityDirectory,
) -> None:
    body = (
        "The decision lists the allowances for the year as follows:\n"
        "- Mining of rare-earth ore (REO content): 6,500 tonnes\n"
        "- Export of separated rare-earth oxides: 2,200 tonnes\n"
        "  - of which allotted to Vietnam Rare Earth Company: 1,400 tonnes\n"
        "  - of which allotted to other licensed processors: 800 tonnes\n"
    )
    quotas = published(
        extract(directory, body, title="Hanoi sets 2026 rare-earth quotas", day="2026-01-28"),
        "quota_set",
    )
    assert {
        (q["jurisdiction"], q.get("entity_id"), q["quota_kind"], q["stage"], q["tonnes"])
        for q in quotas
    } == {
        ("VN", None, "production", "mining", "6500"),
        ("VN", None, "export", "separation", "2200"),
        ("VN", "vietnam_re", "export", "separation", "1400"),
    }


def test_stages_capped_or_allowed_up_to_a_tonnage_are_quotas_stated_exactly(
    directory: EntityDirectory,
) -> None:
    body = (
        "Vietnam's Ministry of Industry and Trade set the national production quotas for 2027."
        " Mining will be capped at 12,000 tonnes of rare-earth oxide (REO). Smelting and"
        " separation will be allowed up to 5,000 tonnes of REO."
    )
    candidates = extract(directory, body, title="Hanoi sets 2027 caps", day="2026-07-08")
    quotas = published(candidates, "quota_set")
    assert {(q["jurisdiction"], q["stage"], q["tonnes"], q["period"]) for q in quotas} == {
        ("VN", "mining", "12000", 2027),
        ("VN", "separation", "5000", 2027),
    }


def test_quota_figures_labelled_by_their_stage_under_an_announcement_are_quotas(
    directory: EntityDirectory,
) -> None:
    body = (
        "China has handed out the first batch of 2028 rare earth quotas.\n\n"
        "Mining: 148,000 t of REO in the first batch. Smelting and separation: 139,000 t."
    )
    documents = published(
        extract(directory, body, title="China's first-batch quotas", day="2028-03-21"), "quota_set"
    )
    assert sorted((d["stage"], d["tonnes"], d["period"]) for d in documents) == [
        ("mining", "148000", 2028),
        ("separation", "139000", 2028),
    ]


def test_what_a_colon_says_after_a_quota_does_not_name_its_elements(
    directory: EntityDirectory,
) -> None:
    body = (
        "China Rare Earth Group gets 41,800 t of the 2028 mining quota: all of the"
        " ion-adsorption clay allowance plus its light rare earth mines in Sichuan."
    )
    document = only(extract(directory, body, day="2028-03-21"), "quota_set")
    assert (document["entity_id"], document["element_group"]) == ("creg", "total_reo")


def test_each_item_of_a_list_of_allocations_is_the_quota_of_the_company_it_names(
    directory: EntityDirectory,
) -> None:
    body = (
        "China has issued the first batch of rare-earth indicators for 2028.\n\n"
        "Only the two state-controlled groups received mining allocations:\n"
        "- China Northern Rare Earth (Group) High-Tech: 102,300 t.\n"
        "- China Rare Earth Group: 42,700 t.\n"
    )
    documents = published(
        extract(directory, body, title="First 2028 indicators", day="2028-02-22"), "quota_set"
    )
    assert sorted((d.get("entity_id"), d["tonnes"]) for d in documents) == [
        ("cnre", "102300"),
        ("creg", "42700"),
    ]
