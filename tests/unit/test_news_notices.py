"""Notices and round-ups: what a control covers may be listed after the sentence making it, a
licence not needed is no control, a control that continues is not news, a lifting may name
only the know-how it frees, and a tariff's maker may be named only in the sentence before."""

from __future__ import annotations

from monazite_producer.news.entities import EntityDirectory
from tests.support.news import extract, only, published


def test_the_stages_of_a_control_come_from_the_items_a_notice_lists_after_it(
    directory: EntityDirectory,
) -> None:
    body = (
        "With the approval of the State Council, China has decided to implement export control"
        " over items related to terbium and dysprosium, the Ministry of Commerce announced on"
        " Friday.\n"
        "Items subject to control:\n"
        "(1) terbium metal and terbium-iron alloys;\n"
        "(2) dysprosium oxide and neodymium-iron-boron magnets containing dysprosium.\n"
        "This announcement takes effect on the day of its publication."
    )
    document = only(extract(directory, body), "export_control_imposed")
    assert document["elements"] == ["Tb", "Dy"]
    assert document["stages"] == ["separation", "metals", "magnets"]


def test_a_licence_that_exporters_need_not_hold_is_no_control(
    directory: EntityDirectory,
) -> None:
    body = (
        "Under the new rules, exporters of graphite are not required to obtain an export"
        " licence, China's commerce ministry said on Friday."
    )
    assert [c for c in extract(directory, body) if c.event.type.startswith("export_control")] == []


def test_a_control_that_continues_to_be_implemented_is_not_news(
    directory: EntityDirectory,
) -> None:
    body = (
        "China's export controls on medium and heavy rare-earth items announced in April"
        " continue to be implemented, the ministry said on Friday."
    )
    assert [c for c in extract(directory, body) if c.event.type.startswith("export_control")] == []


def test_a_lifting_that_names_only_technologies_lifts_the_control_on_know_how(
    directory: EntityDirectory,
) -> None:
    body = (
        "China's Ministry of Commerce on Friday removed rare-earth separation and magnet-making"
        " technologies from its catalogue of technologies prohibited from export."
    )
    document = only(extract(directory, body), "export_control_lifted")
    assert document["control_id"] == "cn-mofcom-2023-re-technology"


def test_a_tariffs_maker_may_be_named_only_in_the_sentence_before(
    directory: EntityDirectory,
) -> None:
    body = (
        "Washington has finished its review of magnet imports. A decree signed on Friday"
        " imposes a 15 per cent duty on imported rare-earth permanent magnets, whatever their"
        " origin, effective July 1, 2025."
    )
    document = only(extract(directory, body), "tariff_imposed")
    assert (document["jurisdiction"], document["rate_pct"]) == ("US", "15")
    assert document["effective_from"] == "2025-07-01"
    assert "on_origin" not in document


def test_a_volume_permitted_for_export_is_an_export_quota_and_a_share_of_it_a_companys(
    directory: EntityDirectory,
) -> None:
    body = (
        "Article 1. The total quantity of separated rare-earth oxides permitted for export in"
        " 2026 is 2,400 (two thousand four hundred) tonnes.\n"
        "Article 2. Of the total, 900 tonnes is allotted to the Vietnam Rare Earth Company."
    )
    documents = published(
        extract(directory, body, title="Vietnam sets its 2026 rare-earth export volume"),
        "quota_set",
    )
    assert sorted((d.get("entity_id", ""), d["tonnes"]) for d in documents) == [
        ("", "2400"),
        ("vietnam_re", "900"),
    ]
    assert {(d["quota_kind"], d["stage"], d["period"]) for d in documents} == {
        ("export", "separation", 2026)
    }


def test_a_merger_of_a_company_into_the_group_leaves_the_subject_as_survivor(
    directory: EntityDirectory,
) -> None:
    body = (
        "China Rare Earth Group has completed the merger of Ganzhou Rare Earth Group into the"
        " state group, the company said on Monday, ending Ganzhou Rare Earth Group's years as a"
        " separate company."
    )
    document = only(extract(directory, body), "merger_completed")
    assert (document["survivor_id"], document["absorbed_id"]) == ("creg", "ganzhou_re")


def test_exporters_who_may_no_longer_ship_are_banned_from_the_day_the_notice_was_issued(
    directory: EntityDirectory,
) -> None:
    body = (
        "BEIJING, June 3 (Wire) - Chinese exporters may no longer ship gallium or germanium to"
        " buyers in Japan, the commerce ministry said in a notice issued on Friday. The notice"
        " took effect immediately."
    )
    documents = published(extract(directory, body), "export_control_imposed")
    assert sorted(d["commodity"] for d in documents) == ["gallium", "germanium"]
    assert {(d["restriction"], d["effective_from"]) for d in documents} == {("ban", "2025-05-30")}


def test_each_quota_of_an_analyst_note_has_its_holder_group_and_year(
    directory: EntityDirectory,
) -> None:
    body = (
        "China Rare Earth Group, holder of the ion-adsorption mining rights, was allotted 9,000"
        " tonnes of ion-adsorption rare-earth oxide,"
        " 5% less than in the first batch of 2024. The same group received 25,000 tonnes of"
        " light rare-earth mining quota. China Northern Rare Earth's smelting and separation"
        " quota was set at 80,000 tonnes, up 10% on a year ago."
    )
    documents = published(
        extract(directory, body, title="Inside China's first 2025 quota batch"), "quota_set"
    )
    assert sorted(
        (d["entity_id"], d["element_group"], d["stage"], d["tonnes"], d["period"])
        for d in documents
    ) == [
        ("cnre", "total_reo", "separation", "80000", 2025),
        ("creg", "ion_adsorption_reo", "mining", "9000", 2025),
        ("creg", "light_reo", "mining", "25000", 2025),
    ]


def test_a_duty_given_as_a_fraction_from_the_same_date_as_the_one_before(
    directory: EntityDirectory,
) -> None:
    body = (
        "NEW DELHI - India will charge a 25 per cent customs duty on rare-earth magnets of"
        " Chinese origin from July 1, the finance minister said on Sunday. Rare-earth metals"
        " from China will attract a duty of a tenth of their value from the same date."
    )
    documents = published(extract(directory, body), "tariff_imposed")
    assert sorted((d["stages"][0], d["rate_pct"]) for d in documents) == [
        ("magnets", "25"),
        ("metals", "10"),
    ]
    assert {(d["jurisdiction"], d["on_origin"], d["effective_from"]) for d in documents} == {
        ("IN", "CN", "2025-07-01")
    }


def test_a_deal_the_article_dates_months_back_is_history(directory: EntityDirectory) -> None:
    body = (
        "The grant is small beside the agreement struck in February, when the US Department of"
        " Defense lent MP Materials US$150 million."
    )
    candidates = extract(directory, body)
    assert published(candidates, "funding_awarded") == []
    assert any(
        "told as history" in " ".join(c.notes)
        for c in candidates
        if c.event.type == "funding_awarded"
    )


def test_reports_called_groundless_are_denied(directory: EntityDirectory) -> None:
    body = (
        "Shenghe Resources on Friday called reports that it had sold its remaining MP Materials"
        ' shares "groundless".'
    )
    assert published(extract(directory, body), "stake_changed") == []


def test_a_suspension_from_the_first_day_of_next_month_keeps_the_bodys_terms_over_the_headline(
    directory: EntityDirectory,
) -> None:
    body = (
        "China suspends graphite export licensing for a year\n"
        "China's Ministry of Commerce said on Friday that the licence requirement for exports of"
        " graphite, in force since 1 December 2023, will be suspended from the first day of next"
        " month until 31 May 2026.\n"
        "During the suspension exporters will not need a licence, but they must still file"
        " end-user information with customs."
    )
    changes = [c for c in extract(directory, body) if c.event.type.startswith("export_control")]
    assert [c.event.type for c in changes] == ["export_control_suspended"]
    document = only(changes, "export_control_suspended")
    # The article is dated 3 June 2025: next month starts on 1 July.
    assert (document["effective_from"], document["effective_until"]) == (
        "2025-07-01",
        "2026-05-31",
    )


def test_a_licence_required_of_exporters_of_a_long_list_of_goods_is_a_control(
    directory: EntityDirectory,
) -> None:
    body = (
        "China will require exporters of antimony ores, antimony metal, oxides and related"
        " smelting technology to obtain licences from September 15, the ministry said on"
        " Friday."
    )
    document = only(extract(directory, body), "export_control_imposed")
    assert (document["commodity"], document["restriction"], document["effective_from"]) == (
        "antimony",
        "licence",
        "2025-09-15",
    )


def test_an_export_policy_amended_to_restricted_is_a_licence_requirement(
    directory: EntityDirectory,
) -> None:
    body = (
        "A notification of 27 May 2025 amended India's export policy for neodymium oxides and"
        ' neodymium metals from "Free" to "Restricted" with effect from 1 July 2025.'
    )
    document = only(extract(directory, body), "export_control_imposed")
    assert (document["jurisdiction"], document["elements"], document["restriction"]) == (
        "IN",
        ["Nd"],
        "licence",
    )
    assert (document["stages"], document["effective_from"]) == (
        ["separation", "metals"],
        "2025-07-01",
    )


def test_a_duty_on_goods_originating_in_a_country_is_charged_by_the_country_named_before(
    directory: EntityDirectory,
) -> None:
    body = (
        "Importers bringing magnets into the United Kingdom should read this notice.\n"
        "From 1 July 2025, an additional ad valorem duty of 12% applies to sintered"
        " neodymium-iron-boron magnets originating in the People's Republic of China."
    )
    document = only(
        extract(directory, body, title="Customs notice: duty on magnets of Chinese origin"),
        "tariff_imposed",
    )
    assert (document["jurisdiction"], document["on_origin"], document["rate_pct"]) == (
        "GB",
        "CN",
        "12",
    )


def test_a_suspension_is_dated_by_its_own_terms_not_the_day_the_items_were_listed(
    directory: EntityDirectory,
) -> None:
    body = (
        "China's ministries have decided to suspend the items added to the Catalogue of"
        " Technologies Prohibited and Restricted from Export on 21 December 2023 that prohibit"
        " the export of rare-earth separation technology. The suspension will take effect on"
        " 1 July 2025 and will last until 30 June 2026."
    )
    document = only(extract(directory, body), "export_control_suspended")
    assert document["control_id"] == "cn-mofcom-2023-re-technology"
    assert (document["effective_from"], document["effective_until"]) == (
        "2025-07-01",
        "2026-06-30",
    )


def test_a_companys_own_answer_gives_its_quotas_and_an_old_batch_is_comparison(
    directory: EntityDirectory,
) -> None:
    body = (
        "Company: Yes. The company has received the first batch of this year's quota. Its"
        " allocation is 90,000 tonnes of rare-earth oxide for mining and 85,000 tonnes for"
        " smelting and separation. In the first batch of 2023 the company's allocation was"
        " 80,000 tonnes and 75,000 tonnes."
    )
    documents = published(
        extract(directory, body, title="China Northern Rare Earth answers investors"),
        "quota_set",
    )
    assert sorted((d["entity_id"], d["stage"], d["tonnes"], d["period"]) for d in documents) == [
        ("cnre", "mining", "90000", 2025),
        ("cnre", "separation", "85000", 2025),
    ]
    assert {d["jurisdiction"] for d in documents} == {"CN"}


def test_headlines_in_capitals_name_countries_and_stakes(directory: EntityDirectory) -> None:
    body = (
        "09:05 *CHINA RARE EARTH GROUP BUYS 6.5% OF SHENGHE FROM PROVINCIAL INVESTOR\n"
        "11:48 *LAOS BANS EXPORTS OF UNPROCESSED RARE-EARTH ORE FROM JULY 1: STATE MEDIA"
    )
    candidates = extract(directory, body)
    stake = only(candidates, "stake_changed")
    assert (stake["holder_id"], stake["target_id"], stake["pct_after"]) == (
        "creg",
        "shenghe",
        "6.5",
    )
    ban = only(candidates, "export_control_imposed")
    assert (ban["jurisdiction"], ban["stages"], ban["restriction"]) == ("LA", ["mining"], "ban")
    assert ban["effective_from"] == "2025-07-01"


def test_a_quota_carried_on_by_the_group_and_separately_is_no_stage(
    directory: EntityDirectory,
) -> None:
    body = (
        "Separately, China Rare Earth Group said its allocation from the first batch of 2025"
        " production quotas includes 9,000 tonnes of ion-adsorption rare-earth oxide for mining."
        " These clays supply most of the world's dysprosium. The group was also given 36,000"
        " tonnes of rare-earth oxide for smelting and separation."
    )
    documents = published(extract(directory, body), "quota_set")
    assert sorted(
        (d["entity_id"], d["element_group"], d["stage"], d["tonnes"]) for d in documents
    ) == [
        ("creg", "ion_adsorption_reo", "mining", "9000"),
        ("creg", "total_reo", "separation", "36000"),
    ]


def test_permission_exporters_will_need_is_a_control_and_measures_still_suspended_are_not(
    directory: EntityDirectory,
) -> None:
    body = (
        "Exporters of some graphite products will need government permission to ship them out"
        " of China from July 1, the commerce ministry said on Friday. The October measures"
        " remain suspended, and the catalogue of technologies banned from export is unchanged."
    )
    candidates = extract(directory, body)
    control = only(candidates, "export_control_imposed")
    assert (control["commodity"], control["effective_from"]) == ("graphite", "2025-07-01")
    assert [c for c in candidates if c.event.type == "export_control_suspended"] == []


def test_a_duty_the_european_commission_imposes_on_goods_from_china_is_the_unions(
    directory: EntityDirectory,
) -> None:
    body = (
        "Sintered neodymium-iron-boron magnets imported from China will carry a provisional"
        " anti-dumping duty of 22.5% from Thursday, the European Commission said, after an"
        " inquiry found that Chinese producers had sold below cost."
    )
    document = only(extract(directory, body), "tariff_imposed")
    assert (document["jurisdiction"], document["on_origin"], document["rate_pct"]) == (
        "EU",
        "CN",
        "22.5",
    )
    assert document["effective_from"] == "2025-06-05"


def test_a_table_of_trade_measures_gives_each_duty_and_export_control_it_lists(
    directory: EntityDirectory,
) -> None:
    body = (
        "The table lists the trade measures clients asked about.\n"
        "| Date in force | Jurisdiction | Measure | Goods covered | Rate or restriction | Note |\n"
        "|---|---|---|---|---|---|\n"
        "| 1 Aug 2025 | Japan | Anti-dumping duty | Sintered NdFeB magnets originating in China"
        " | 15% ad valorem | Five years |\n"
        "| 1 Sep 2025 | Kazakhstan | Export licensing | Rare-earth metals and alloys | Licence"
        " required | Allow 30 days |\n"
        "| 1 Oct 2025 | United States | Section 232 duty | Copper wire | 50% | Not rare earths |"
    )
    candidates = extract(directory, body)
    tariff = only(candidates, "tariff_imposed")
    assert (tariff["jurisdiction"], tariff["on_origin"], tariff["rate_pct"]) == ("JP", "CN", "15")
    assert tariff["effective_from"] == "2025-08-01"
    control = only(candidates, "export_control_imposed")
    assert (control["jurisdiction"], control["restriction"], control["stages"]) == (
        "KZ",
        "licence",
        ["metals"],
    )
    assert control["effective_from"] == "2025-09-01"
