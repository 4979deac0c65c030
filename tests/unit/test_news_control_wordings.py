"""Export controls in the wordings of notices and wire copy: a measure whose goods, start or
end are told in the next sentence, a ban in force "since" a day, rare-earth minerals named as
such, minerals beyond rare earths, a notice named by its number, and a repeal of measures the
sentence before named."""

from __future__ import annotations

from monazite_producer.news.entities import EntityDirectory
from tests.support.news import extract, only, published


def test_a_ban_told_as_goods_that_may_no_longer_leave_dates_from_since_in_the_next_sentence(
    directory: EntityDirectory,
) -> None:
    body = (
        "Heavy rare-earth concentrate may no longer leave Laos. The mines ministry said in a"
        " notice on Friday that the prohibition had applied since 3 May."
    )
    document = only(extract(directory, body), "export_control_imposed")
    assert (document["jurisdiction"], document["restriction"]) == ("LA", "ban")
    assert document["stages"] == ["mining"]
    assert document["effective_from"] == "2025-05-03"


def test_the_goods_of_a_requirement_may_be_given_in_the_next_sentence(
    directory: EntityDirectory,
) -> None:
    body = (
        "Shipments of terbium out of Vietnam will need a permit from 1 July, the trade ministry"
        " said. The requirement reaches the oxide as well as the metal; magnets are not named."
    )
    document = only(extract(directory, body), "export_control_imposed")
    assert document["elements"] == ["Tb"]
    assert document["stages"] == ["separation", "metals"]
    assert document["effective_from"] == "2025-07-01"


def test_a_licence_needed_since_a_weekday_dates_the_control_it_goes_on_about(
    directory: EntityDirectory,
) -> None:
    body = (
        "Kazakhstan has put dysprosium under export control. Since Monday, anyone shipping"
        " dysprosium metal out of the country has needed a licence from the industry ministry."
    )
    document = only(extract(directory, body), "export_control_imposed")
    assert (document["jurisdiction"], document["elements"]) == ("KZ", ["Dy"])
    assert document["stages"] == ["metals"]
    assert document["effective_from"] == "2025-06-02"


def test_a_permit_for_a_rare_earth_mineral_is_a_control_on_rare_earth_ore(
    directory: EntityDirectory,
) -> None:
    body = (
        "From the start of next year, every shipment of xenotime sand out of Malawi must be"
        " covered by an export permit from the mines ministry."
    )
    document = only(extract(directory, body), "export_control_imposed")
    assert (document["jurisdiction"], document["restriction"]) == ("MW", "licence")
    assert document["stages"] == ["mining"]
    assert document["effective_from"] == "2026-01-01"


def test_a_ban_on_another_mineral_for_a_time_has_its_start_and_end(
    directory: EntityDirectory,
) -> None:
    body = (
        "Zambia has banned exports of copper concentrate from Sunday until 30 September, its"
        " mines ministry said."
    )
    document = only(extract(directory, body), "export_control_imposed")
    assert (document["commodity"], document["restriction"]) == ("copper", "ban")
    assert document["effective_from"] == "2025-06-01"
    assert document["effective_until"] == "2025-09-30"


def test_a_licence_for_exporters_of_a_long_list_of_one_mineral_is_a_control(
    directory: EntityDirectory,
) -> None:
    body = (
        "From 1 July, exporters of tungsten ores, ammonium paratungstate, tungsten carbide and"
        " tungsten metal will have to apply for a licence, Vietnam's trade ministry said."
    )
    document = only(extract(directory, body), "export_control_imposed")
    assert (document["jurisdiction"], document["commodity"]) == ("VN", "tungsten")
    assert document["effective_from"] == "2025-07-01"


def test_a_notice_named_by_its_number_is_the_registered_control_it_suspends(
    directory: EntityDirectory,
) -> None:
    body = (
        '"Licensing requirements under Announcement No. 18 of 2025 will be suspended from 1 July'
        ' 2026 to 30 June 2027," a commerce ministry spokesperson told the briefing.'
    )
    document = only(
        extract(directory, body, title="Beijing pauses April licensing", day="2026-06-03"),
        "export_control_suspended",
    )
    assert document["control_id"] == "cn-mofcom-2025-18"
    assert (document["effective_from"], document["effective_until"]) == (
        "2026-07-01",
        "2027-06-30",
    )


def test_measures_repealed_when_their_suspension_runs_out_are_those_named_before(
    directory: EntityDirectory,
) -> None:
    body = (
        "The export controls China announced in October 2025 on holmium and erbium will not come"
        " back. When their suspension runs out on 10 November, the measures will be repealed,"
        " MOFCOM said."
    )
    document = only(extract(directory, body, day="2026-06-03"), "export_control_lifted")
    assert document["control_id"] == "cn-mofcom-2025-oct"
    assert document["effective_from"] == "2026-11-10"


def test_a_numbered_order_subjects_exports_to_a_licence_from_the_day_it_enters_into_force(
    directory: EntityDirectory,
) -> None:
    body = (
        "ORDER No. 77 of the Ministry of Industry of the Republic of Kazakhstan\n"
        "1. Exports of terbium in the form of oxides and metals are subject to a licence issued by"
        " the Ministry.\n"
        "2. Applications are filed through the single window.\n"
        "3. This Order enters into force on 1 August 2025."
    )
    document = only(extract(directory, body), "export_control_imposed")
    assert (document["jurisdiction"], document["elements"]) == ("KZ", ["Tb"])
    assert document["stages"] == ["separation", "metals"]
    assert document["effective_from"] == "2025-08-01"


def test_no_ore_may_leave_a_country_from_next_monday_is_a_ban_on_its_exports(
    directory: EntityDirectory,
) -> None:
    body = (
        "NO UNPROCESSED RARE-EARTH ORE MAY LEAVE THE PHILIPPINES AFTER THIS WEEK, THE MINES"
        " DEPARTMENT SAID. THE PROHIBITION TAKES EFFECT NEXT MONDAY."
    )
    document = only(extract(directory, body), "export_control_imposed")
    assert (document["jurisdiction"], document["restriction"]) == ("PH", "ban")
    assert document["effective_from"] == "2025-06-09"


def test_goods_not_to_be_exported_from_a_country_from_the_first_of_a_month(
    directory: EntityDirectory,
) -> None:
    body = (
        "Not a single tonne of lithium concentrate is to be exported from Zimbabwe from the"
        " first of January, the mines ministry said on Friday."
    )
    document = only(extract(directory, body), "export_control_imposed")
    assert (document["jurisdiction"], document["commodity"]) == ("ZW", "lithium")
    assert document["effective_from"] == "2026-01-01"


def test_goods_that_may_leave_only_under_a_permit_are_under_licence(
    directory: EntityDirectory,
) -> None:
    body = (
        "From August 1, separated heavy rare-earth oxides may be shipped out of Malaysia only"
        " under a permit from the trade ministry."
    )
    document = only(extract(directory, body), "export_control_imposed")
    assert (document["jurisdiction"], document["restriction"]) == ("MY", "licence")
    assert document["element_groups"] == ["heavy_reo"]


def test_anyone_shipping_goods_out_of_a_country_needing_a_licence_is_a_control(
    directory: EntityDirectory,
) -> None:
    body = (
        '"Starting July 20, anyone shipping sintered neodymium magnets out of the United States'
        ' will have to get a licence from us first," an official of the Bureau of Industry and'
        " Security said."
    )
    document = only(extract(directory, body), "export_control_imposed")
    assert (document["jurisdiction"], document["stages"]) == ("US", ["magnets"])
    assert document["effective_from"] == "2025-07-20"


def test_a_policy_amended_to_prohibited_by_the_trade_directorate_is_indias_ban(
    directory: EntityDirectory,
) -> None:
    body = (
        'The export policy for samarium metal has been amended from "free" to "prohibited", the'
        " Directorate General of Foreign Trade said. The change applies from 15 August 2025."
    )
    document = only(extract(directory, body), "export_control_imposed")
    assert (document["jurisdiction"], document["restriction"]) == ("IN", "ban")


def test_a_release_notes_entry_under_a_country_label_requiring_a_licence_from_a_date(
    directory: EntityDirectory,
) -> None:
    body = (
        "[MW] Malawi. New rule MW-RE-01: an export licence from the Ministry of Mining is now"
        " required for rare-earth concentrates (monazite, bastnaesite) with effect from 1 August"
        " 2026."
    )
    control = only(extract(directory, body, day="2026-05-29"), "export_control_imposed")
    assert (control["jurisdiction"], control["restriction"]) == ("MW", "licence")
    assert (control["stages"], control["effective_from"]) == (["mining"], "2026-08-01")


def test_a_gazetted_regulation_banning_exports_from_the_day_it_comes_into_force(
    directory: EntityDirectory,
) -> None:
    body = (
        "1. Title and commencement.\n"
        "(2) These Regulations shall come into force on the 1st day of January, 2027.\n"
        "3. Prohibition of export of rare earth ore and concentrate.\n"
        "A person shall not export rare earth ore or rare earth concentrate from Uganda.\n"
    )
    control = only(extract(directory, body, day="2026-07-03"), "export_control_imposed")
    assert (control["jurisdiction"], control["restriction"]) == ("UG", "ban")
    assert (control["stages"], control["effective_from"]) == (["mining"], "2027-01-01")


def test_anyone_exporting_two_elements_will_need_a_permit_from_a_date(
    directory: EntityDirectory,
) -> None:
    body = (
        "KUALA LUMPUR, Sept 15 - Anyone exporting dysprosium or terbium from Malaysia will need a"
        " permit from November 1, the ministry said on Tuesday. The requirement covers the oxides"
        " and other separated compounds of the two elements."
    )
    control = only(extract(directory, body, day="2026-09-15"), "export_control_imposed")
    assert (control["jurisdiction"], control["elements"]) == ("MY", ["Tb", "Dy"])
    assert (control["restriction"], control["effective_from"]) == ("licence", "2026-11-01")


def test_licences_no_longer_enforced_for_a_period_are_suspended(
    directory: EntityDirectory,
) -> None:
    body = (
        "BEIJING, Aug 28 - China will stop enforcing the export licences it has required for"
        " gallium and germanium since August 2023, the Ministry of Commerce said on Friday. The"
        " pause runs from Tuesday, September 1, until August 31, 2027."
    )
    suspended = published(extract(directory, body, day="2026-08-28"), "export_control_suspended")
    assert {(s["control_id"], s["effective_from"], s["effective_until"]) for s in suspended} == {
        ("cn-mofcom-2023-gallium", "2026-09-01", "2027-08-31"),
        ("cn-mofcom-2023-germanium", "2026-09-01", "2027-08-31"),
    }


def test_a_country_that_will_require_an_export_licence_for_ore_from_a_date(
    directory: EntityDirectory,
) -> None:
    body = (
        "1. Mongolia - licences for rare-earth ore and concentrate\n"
        "Mongolia will require an export licence for rare-earth ore and concentrates from 1"
        " September 2026."
    )
    control = only(extract(directory, body, day="2026-08-14"), "export_control_imposed")
    assert (control["jurisdiction"], control["restriction"], control["effective_from"]) == (
        "MN",
        "licence",
        "2026-09-01",
    )


def test_licences_no_longer_required_during_a_pause_until_a_months_end_are_suspended(
    directory: EntityDirectory,
) -> None:
    body = (
        "China will stop requiring exporters of gallium to obtain licences from the first day of"
        " next month, the Ministry of Commerce said on Thursday. The pause runs until the end of"
        " February 2028, according to the ministry's notice."
    )
    suspended = only(extract(directory, body, day="2027-02-18"), "export_control_suspended")
    assert (suspended["control_id"], suspended["effective_from"]) == (
        "cn-mofcom-2023-gallium",
        "2027-03-01",
    )
    assert suspended["effective_until"] == "2028-02-29"


def test_a_decree_making_exports_subject_to_a_licence(directory: EntityDirectory) -> None:
    body = (
        "Separately, Kyrgyzstan's cabinet approved a decree that makes exports of rare-earth"
        " oxides and rare-earth metals subject to a licence from the Ministry of Natural"
        " Resources. The rule applies from May 15, the government said in Bishkek."
    )
    control = only(extract(directory, body, day="2027-02-18"), "export_control_imposed")
    assert (control["jurisdiction"], control["stages"], control["effective_from"]) == (
        "KG",
        ["separation", "metals"],
        "2027-05-15",
    )


def test_licences_no_longer_required_for_six_months_are_a_suspension_with_its_dates(
    directory: EntityDirectory,
) -> None:
    body = (
        "BEIJING, May 8 - China will stop requiring exporters of seven medium and heavy rare"
        " earths to obtain licences for six months, the commerce ministry said on Friday. The"
        " ministry said that the requirement would not be applied to shipments declared from"
        " June 1. The pause ends on November 30, the statement said."
    )
    suspended = only(extract(directory, body, day="2026-05-08"), "export_control_suspended")
    assert (suspended["control_id"], suspended["effective_from"]) == (
        "cn-mofcom-2025-18",
        "2026-06-01",
    )
    assert suspended["effective_until"] == "2026-11-30"


def test_a_revocation_that_takes_effect_on_a_date_told_in_the_next_sentence(
    directory: EntityDirectory,
) -> None:
    body = (
        "In a second notice on Friday, the ministry said it was revoking outright the export"
        " licensing of high-purity and flake graphite that China introduced in December 2023."
        " That revocation takes effect on July 1 and is not time-limited."
    )
    lifted = only(extract(directory, body, day="2026-05-08"), "export_control_lifted")
    assert (lifted["control_id"], lifted["effective_from"]) == (
        "cn-mofcom-2023-graphite",
        "2026-07-01",
    )
