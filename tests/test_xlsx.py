"""The Excel answer file, read back with openpyxl as an analyst's Excel would open it."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from exports.xlsx import NOT_ASKED_MARK, build_answer_file
from survey.aggregation.aggregate import Extension, OrgInfo, ResponseData, RoundData, RoundInfo
from survey.questionnaire import load_questionnaire
from tests.helpers import QUESTIONNAIRES

Q = load_questionnaire(QUESTIONNAIRES / "kommuner-2025.yaml")
ORGS = (OrgInfo("0114", "Upplands Väsby", "kommun", "01", "Stockholms län"),
        OrgInfo("0115", "Vallentuna", "kommun", "01", "Stockholms län"),
        OrgInfo("0117", "Österåker", "kommun", "01", "Stockholms län"),
        OrgInfo("0120", "Värmdö", "kommun", "01", "Stockholms län"))
MADE = datetime(2025, 10, 27, 8, 30, tzinfo=UTC)
SUBMITTED = datetime(2025, 10, 1, 12, 15, tzinfo=UTC)
HOSTILE = "=HYPERLINK(\"http://example.com\",\"klicka\")"


def round_data(*responses: ResponseData) -> RoundData:
    info = RoundInfo(7, "Kommuner 2025", date(2025, 9, 23), date(2025, 10, 19), "closed",
                     (Extension("", date(2025, 10, 12), date(2025, 10, 19), "Förlängt för alla"),
                      Extension("0117", date(2025, 10, 19), date(2025, 10, 24), "Sjukdom")))
    return RoundData(info, Q, ORGS, responses)


@pytest.fixture(scope="module")
def workbook() -> Workbook:
    data = round_data(
        ResponseData(ORGS[0], "submitted", {"q01": "nej", "q02": "ja", "q02a": "ja", "q14": "ja",
                                            "q22": HOSTILE, "q01_kommentar": "+46 8 123 45 67\nrad två"},
                     SUBMITTED),
        ResponseData(ORGS[1], "submitted", {"q01": "ja", "q01a": "politisk", "q22": "-1",
                                            "q15": "ja", "q15b_6": "ja", "q15b_6_text": "@annat 😀"},
                     SUBMITTED),
        ResponseData(ORGS[2], "draft", {"q01": "ja"}),
    )
    return load_workbook(io.BytesIO(build_answer_file(data, MADE)))


def column(sheet: object, answer_id: str, header_row: int = 1) -> int:
    for cell in sheet[header_row]:  # type: ignore[index]
        if cell.value == answer_id:
            return int(cell.column)
    raise KeyError(answer_id)


def test_the_sheets_in_order(workbook: Workbook) -> None:
    assert workbook.sheetnames == ["Svar", "Koder", "Kodbok", "Sammanställning", "Om enkäten"]


def test_svar_has_labels_and_a_row_per_organisation(workbook: Workbook) -> None:
    svar = workbook["Svar"]
    assert [c.value for c in svar[2][:6]] == ["Organisationskod", "Organisation", "Typ", "Län",
                                             "Status", "Inskickad (svensk tid)"]
    assert svar.cell(2, column(svar, "q01")).value.startswith("1. Finns det en kommunövergripande")
    assert svar.cell(2, column(svar, "q03_leg")).value == "3. Legitimerad hälso- och sjukvårdspersonal"
    rows = {row[0].value: row for row in svar.iter_rows(min_row=3)}
    assert list(rows) == ["0114", "0115", "0117", "0120"]
    first = rows["0114"]
    assert [c.value for c in first[:5]] == ["0114", "Upplands Väsby", "Kommun", "Stockholms län", "Inskickad"]
    assert first[5].value == datetime(2025, 10, 1, 14, 15)  # Swedish summer time
    assert first[5].number_format == "yyyy-mm-dd hh:mm"
    assert first[column(svar, "q01") - 1].value == "Nej"
    assert [c.value for c in rows["0117"][4:]] == ["Ej inskickad", None] + [None] * len(Q.fields)
    assert rows["0120"][4].value == "Ej inskickad"


def test_koder_is_machine_readable(workbook: Workbook) -> None:
    koder = workbook["Koder"]
    header = [c.value for c in koder[1]]
    assert header == ["organisation", "name", "kind", "county", "status", "submitted_at"] + [f.id for f in Q.fields]
    row = [c.value for c in koder[2]]
    assert row[:6] == ["0114", "Upplands Väsby", "kommun", "01", "submitted", SUBMITTED.isoformat()]
    assert row[header.index("q01")] == "nej" and row[header.index("q02a")] == "ja"
    assert [c.value for c in koder[4]][4] == "not_submitted"


def test_not_asked_and_unanswered_look_different(workbook: Workbook) -> None:
    svar = workbook["Svar"]
    not_asked = svar.cell(3, column(svar, "q01a"))  # q01 = nej: q01a is not asked
    unanswered = svar.cell(3, column(svar, "q03_leg"))  # asked, left blank
    assert not_asked.value == NOT_ASKED_MARK and unanswered.value is None
    assert not_asked.fill.fgColor.rgb.endswith("D9D9D9")
    assert unanswered.fill.fgColor.rgb.endswith("FFF2CC")
    koder = workbook["Koder"]
    assert koder.cell(2, column(koder, "q01a")).value == NOT_ASKED_MARK
    legend = [row for row in workbook["Om enkäten"].iter_rows(values_only=True) if row[0] == NOT_ASKED_MARK]
    assert legend and "ställdes inte" in legend[0][1]
    assert any("Obesvarad" in str(row[1]) for row in workbook["Om enkäten"].iter_rows(values_only=True))


def test_text_is_never_a_formula(workbook: Workbook) -> None:
    for name in ("Svar", "Koder"):
        sheet = workbook[name]
        for answer_id, text in (("q22", HOSTILE), ("q01_kommentar", "+46 8 123 45 67\nrad två")):
            cell = sheet.cell(3 if name == "Svar" else 2, column(sheet, answer_id))
            assert (cell.value, cell.data_type) == (text, "s")
        cell = sheet.cell(4 if name == "Svar" else 3, column(sheet, "q22"))
        assert (cell.value, cell.data_type) == ("-1", "s")
        cell = sheet.cell(4 if name == "Svar" else 3, column(sheet, "q15b_6_text"))
        assert cell.value == "@annat 😀"


def test_frozen_headers_filters_and_widths(workbook: Workbook) -> None:
    svar, koder = workbook["Svar"], workbook["Koder"]
    assert (svar.freeze_panes, koder.freeze_panes) == ("C3", "B2")
    assert svar.auto_filter.ref.startswith("A2:") and koder.auto_filter.ref.startswith("A1:")
    assert svar.column_dimensions["B"].width > svar.column_dimensions["A"].width
    assert workbook["Kodbok"].auto_filter.ref and workbook["Sammanställning"].auto_filter.ref


def test_the_code_book(workbook: Workbook) -> None:
    rows = {row[0]: row for row in workbook["Kodbok"].iter_rows(min_row=2, values_only=True)}
    assert list(rows) == [f.id for f in Q.fields]
    assert rows["q03b_leg"][8] == "Ställs om q03a_leg = Ja"
    assert rows["q17a"][8] == "Ställs om q17_1 eller q17_2 eller q17_3 = Ja"
    assert rows["q01"][8] == "Alltid" and rows["q01"][5] == "Huvudfråga"
    assert rows["q01a"][7].splitlines()[0] == "politisk = Politisk nivå (1)"
    assert rows["q01"][7].splitlines()[2] == "nej = Nej (3) – rekonstruerad"
    assert rows["q03_leg"][11] == "Ja: frågetext, hjälptext" and rows["q02"][11] == ""
    assert "radetikett" in rows["q03_chef"][11]  # relabelled for the municipalities
    assert rows["q15b_6_text"][8] == "Ställs om q15b_6 = Ja"


def test_the_summary_uses_swedish_number_formats(workbook: Workbook) -> None:
    sheet = workbook["Sammanställning"]
    rows = [row for row in sheet.iter_rows(min_row=5) if row[0].value == "q01"]
    assert [(r[4].value, r[5].value, r[7].value) for r in rows] == [("ja", 1, 2), ("nej_beslut", 0, 2), ("nej", 1, 2)]
    assert rows[0][6].value == 0.5 and rows[0][6].number_format == "0.0 %"
    assert rows[0][5].number_format == "#,##0"


def test_about_the_survey(workbook: Workbook) -> None:
    about = {row[0]: row[1] for row in workbook["Om enkäten"].iter_rows(values_only=True) if row[0]}
    assert about["Enkät"] == "kommuner-2025" and about["Enkätversion (SHA-256)"] == Q.content_hash
    assert about["Datainsamling"] == "2025-09-23 – 2025-10-19"
    assert about["Förlängningar"].splitlines() == [
        "Sista svarsdag för alla förlängd 7 dagar, från 2025-10-12 till 2025-10-19: Förlängt för alla",
        "0117 Österåker förlängd 5 dagar, från 2025-10-19 till 2025-10-24: Sjukdom"]
    assert (about["Population"], about["Inskickade svar"], about["Svarsfrekvens"]) == (4, 2, 0.5)
    assert (about["Huvudfrågor"], about["Följdfrågor"], about["Svars-id (kolumner)"]) == (22, 31, 89)
    assert about["Filen skapad (svensk tid)"] == datetime(2025, 10, 27, 9, 30)
    assert about["Underlag"].startswith("Aktuella svar")


def test_drafts_are_shown_only_when_asked() -> None:
    data = round_data(ResponseData(ORGS[2], "reopened", {"q01": "ja", "q01a": "politisk"}))
    koder = load_workbook(io.BytesIO(build_answer_file(data, MADE, include_drafts=True)))["Koder"]
    row = [c.value for c in koder[4]]
    assert row[4] == "draft" and "politisk" in row
    svar = load_workbook(io.BytesIO(build_answer_file(data, MADE, include_drafts=True)))["Svar"]
    assert svar.cell(5, 5).value == "Öppnad igen"


def test_headers_tell_the_columns_apart_and_keep_the_full_wording(workbook: Workbook) -> None:
    svar = workbook["Svar"]
    headers = [c.value for c in svar[2]]
    assert len(set(headers)) == len(headers)  # q03_*, q15b_*, q18_*: each its own row label
    assert svar.column_dimensions["A"].width >= len("Organisationskod")
    q01 = svar.cell(2, column(svar, "q01"))
    assert q01.value.endswith("…") and len(q01.value) < len(Q.item("q01").text)
    assert q01.comment.text.startswith(f"1. {Q.item('q01').text}")
    q03 = svar.cell(2, column(svar, "q03_leg")).comment.text
    assert Q.item("q03").text in q03 and "Rekonstruerad formulering" in q03


def test_three_states_of_a_missing_answer(workbook: Workbook) -> None:
    svar = workbook["Svar"]
    blank_optional = svar.cell(4, column(svar, "q01_kommentar"))  # 0115 left its comment blank
    blank_required = svar.cell(4, column(svar, "q02"))
    assert blank_optional.value is None and blank_optional.fill.fgColor.rgb in (None, "00000000")
    assert blank_required.fill.fgColor.rgb.endswith("FFF2CC")
    header = next(r for r in workbook["Sammanställning"].iter_rows(values_only=True) if r[0] == "Svars-id")
    assert "Värde" not in header  # no number item: the column would be empty
    rows = {r[0]: dict(zip(header, r, strict=True))
            for r in workbook["Sammanställning"].iter_rows(values_only=True) if r[0] in ("q01_kommentar", "q02")}
    states = {aid: (row["Obesvarade (bortfall)"], row["Lämnade tomma (frivillig)"]) for aid, row in rows.items()}
    assert states == {"q01_kommentar": (0, 1), "q02": (1, 0)}


def test_every_sheet_prints(workbook: Workbook) -> None:
    for sheet in workbook.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert "Kommuner 2025" in sheet.oddFooter.left.text and "&P" in sheet.oddFooter.right.text
    assert workbook["Svar"].print_title_rows == "$1:$2" and workbook["Svar"].print_title_cols == "$A:$B"
    assert workbook["Kodbok"].sheet_properties.pageSetUpPr.fitToPage
    assert workbook["Kodbok"].page_setup.fitToWidth in (None, 1)  # 1 is the default of the format
    assert workbook["Kodbok"].page_setup.fitToHeight == 0
    svar = workbook["Svar"]
    assert svar.row_dimensions[3].height >= 2 * 15  # the two-line comment of 0114 fits


def test_row_heights_follow_the_wrapped_text() -> None:
    from exports.xlsx_layout import wrapped_lines

    assert wrapped_lines("kort", 18) == 1
    assert wrapped_lines("rad ett\nrad två", 40) == 2
    assert wrapped_lines("ord " * 30, 10) >= 12  # 120 characters in lines of about ten
    assert wrapped_lines("x" * 100, 10) == 10  # a long word breaks across lines
