"""The small sheets of the answer file: ``Kodbok``, ``Sammanställning`` and ``Om enkäten``.

``Sammanställning`` prints the aggregation's numbers (``RoundResults``) and nothing else, so
the file can never disagree with the pages or the deck.
"""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from exports.xlsx_common import AnswerFile, Formats, header_text, safe_text
from exports.xlsx_layout import page_setup, row_points, wrapped_lines
from survey.aggregation.aggregate import ItemResult
from survey.formatting import local_naive
from survey.questionnaire import conditions as cond
from survey.questionnaire.codes import choices_of, numeric_codes, wording
from survey.questionnaire.model import Field, ItemType, Questionnaire, Role
from survey.reports.answer_file import NOT_ASKED_MARK

ROLE_LABELS = {Role.MAIN: "Huvudfråga", Role.FOLLOWUP: "Följdfråga", Role.COMMENT: "Kommentar",
               Role.SPECIFY: "Precisering av «Annat»"}
TYPE_LABELS = {ItemType.YESNO: "Ja/nej", ItemType.SINGLE: "Ett svarsalternativ",
               ItemType.MULTIPLE: "Flera svarsalternativ", ItemType.TEXT: "Fritext",
               ItemType.NUMBER: "Tal", ItemType.DATE: "Datum", ItemType.MATRIX: "Matris",
               ItemType.YESNO_LIST: "Ja/nej-lista"}
CODEBOOK_HEADERS = ("Svars-id", "Avsnitt", "Fråga nr", "Frågetext", "Rad", "Roll", "Typ",
                    "Koder och etiketter (numerisk kod)", "Ställs om", "Obligatorisk",
                    "Högst antal tecken", "Rekonstruerad text")
CODEBOOK_WIDTHS = (14, 24, 8, 60, 30, 12, 14, 34, 30, 11, 10, 18)
SUMMARY_HEADERS = ("Svars-id", "Fråga nr", "Fråga", "Svar", "Kod", "Antal", "Andel",
                   "n (besvarade)", "Obesvarade (bortfall)", "Lämnade tomma (frivillig)", "Ej aktuella",
                   "Ställda", "Inskickade")
SUMMARY_WIDTHS = (14, 7, 50, 30, 16, 8, 8, 10, 11, 11, 9, 8, 10, 11)
VALUE_HEADER = "Värde"  # only when the questionnaire has number items (mean, median, …)
SUMMARY_FIRST_ROW = 5  # zero-based row of the header in Sammanställning


def routing_words(q: Questionnaire, f: Field) -> str:
    """When the answer id is asked, in words: «Ställs om q03_leg = Ja», or «Alltid»."""
    if f.condition is not None:
        def label(ref: str, code: str) -> str:
            return q.field(ref).label_of(code) if q.has_field(ref) else code
        return f"Ställs om {cond.to_text(f.condition, label)}"
    if f.gate is not None and q.has_field(f.gate):
        return routing_words(q, q.field(f.gate))
    return "Alltid"


def codes_text(q: Questionnaire, f: Field) -> str:
    """«ja = Ja (1)» per line: code, label and the numeric code of the SPSS and Stata files."""
    numbers = numeric_codes(q, f)
    return "\n".join(f"{c.code} = {c.label} ({numbers[c.code]})" + (" – rekonstruerad" if c.inferred else "")
                     for c in choices_of(q, f))


def write_codebook(sheet: Worksheet, q: Questionnaire, formats: Formats, title: str) -> None:
    for col, width in enumerate(CODEBOOK_WIDTHS):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 1)
    page_setup(sheet, f"{title}: kodbok", 1)
    for col, text in enumerate(CODEBOOK_HEADERS):
        sheet.write_string(0, col, text, formats.header_text)
    sheet.set_row(0, row_points(2))
    sections = {s.id: s.title for s in q.sections}
    for row, f in enumerate(q.fields, 1):
        item, words = q.item(f.item_id), wording(q, f)
        text = words.text if f.role in (Role.MAIN, Role.FOLLOWUP) else f.label
        cells = (f.id, sections.get(f.section_id, f.section_id), item.number or "", text,
                 words.row, ROLE_LABELS[f.role], TYPE_LABELS[f.type],
                 codes_text(q, f), routing_words(q, f), "Ja" if f.required else "Nej",
                 str(f.max_length) if f.max_length else "",
                 f"Ja: {', '.join(words.inferred)}" if words.inferred else "")
        for col, value in enumerate(cells):
            sheet.write_string(row, col, safe_text(value), formats.wrap)
        sheet.set_row(row, row_points(max(wrapped_lines(value, width) for value, width
                                          in zip(cells, CODEBOOK_WIDTHS, strict=True))))
    sheet.autofilter(0, 0, len(q.fields), len(CODEBOOK_HEADERS) - 1)


def write_summary(sheet: Worksheet, q: Questionnaire, content: AnswerFile, formats: Formats) -> None:
    results = content.results
    headers = SUMMARY_HEADERS + ((VALUE_HEADER,) if _has_numbers(q) else ())
    for col, width in enumerate(SUMMARY_WIDTHS[:len(headers)]):
        sheet.set_column(col, col, width)
    page_setup(sheet, f"{content.info.name}: sammanställning", SUMMARY_FIRST_ROW + 1, first_repeated=SUMMARY_FIRST_ROW)
    sheet.write_string(0, 0, f"Sammanställning: {content.info.name}", formats.title)
    notes = (f"Inskickade svar: {results.submitted} av {results.population}. Utkast räknas inte. "
             "n = antal som fick frågan och besvarade den; andelen räknas på n.",
             "Obesvarade (bortfall) = fick frågan, ett svar krävdes men gavs inte. Lämnade tomma = frivilliga "
             "fält (kommentarer, fritext) som lämnades tomma: inget bortfall.",
             "Ej aktuella = fick inte frågan (se «Ställs om» i Kodbok).")
    for row, note in enumerate(notes, 1):  # short lines: a long one would widen the printed page
        sheet.write_string(row, 0, note)
    for col, text in enumerate(headers):
        sheet.write_string(SUMMARY_FIRST_ROW, col, text, formats.header_text)
    sheet.set_row(SUMMARY_FIRST_ROW, row_points(2))
    sheet.freeze_panes(SUMMARY_FIRST_ROW + 1, 1)
    row = SUMMARY_FIRST_ROW + 1
    for f in q.fields:
        for line in _summary_lines(f, results[f.id]):
            row = _summary_row(sheet, row, q, f, results[f.id], line, formats)
    sheet.autofilter(SUMMARY_FIRST_ROW, 0, row - 1, len(headers) - 1)


def _has_numbers(q: Questionnaire) -> bool:
    return any(f.type is ItemType.NUMBER for f in q.fields)


SummaryLine = tuple[str, str, int | None, float | None, float | None]


def _summary_lines(f: Field, item: ItemResult) -> list[SummaryLine]:
    if f.codes:
        return [(c.label, c.code, item.counts.get(c.code, 0), item.share(c.code), None)
                for c in f.codes]
    if f.type is ItemType.NUMBER and item.numbers is not None:
        numbers = item.numbers
        return [("Medelvärde", "", None, None, float(numbers.mean)),
                ("Median", "", None, None, float(numbers.median)),
                ("Minsta", "", None, None, float(numbers.minimum)),
                ("Största", "", None, None, float(numbers.maximum))]
    return [("(fritext: antal svar)" if f.type is ItemType.TEXT else "(antal svar)", "",
             item.answered, None, None)]


def _summary_row(sheet: Worksheet, row: int, q: Questionnaire, f: Field, item: ItemResult,
                 line: SummaryLine, formats: Formats) -> int:
    answer, code, count, share, value = line
    number = q.item(f.item_id).number or ""
    question = safe_text(header_text(q, f))
    for col, text in enumerate((f.id, number, question, answer, code)):
        sheet.write_string(row, col, text, formats.wrap)
    sheet.set_row(row, row_points(max(wrapped_lines(question, SUMMARY_WIDTHS[2]),
                                      wrapped_lines(answer, SUMMARY_WIDTHS[3]))))
    if count is not None:
        sheet.write_number(row, 5, count, formats.integer)
    if share is not None:
        sheet.write_number(row, 6, share, formats.percent)
    for col, number_ in enumerate((item.answered, item.not_answered, item.left_blank, item.not_applicable,
                                   item.applicable, item.submitted), 7):
        sheet.write_number(row, col, number_, formats.integer)
    if value is not None:
        sheet.write_number(row, 13, value, formats.decimal)
    return row + 1


def write_about(sheet: Worksheet, content: AnswerFile, formats: Formats) -> None:
    info, q, results = content.info, content.questionnaire, content.results
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 100)
    page_setup(sheet, f"{info.name}: om enkäten", 0)
    sheet.write_string(0, 0, q.title, formats.title)
    lines: list[tuple[str, object]] = [
        ("Omgång", info.name),
        ("Enkät", q.id),
        ("Enkätversion (SHA-256)", q.content_hash),
        ("Datainsamling", f"{info.opens_on.isoformat()} – {info.closes_on.isoformat()}"),
        ("Förlängningar", _extensions_text(content)),
        ("Population", results.population),
        ("Inskickade svar", results.submitted),
        ("Svarsfrekvens", results.response_rate),
        ("Huvudfrågor", q.main_question_count),
        ("Följdfrågor", q.followup_count),
        ("Svars-id (kolumner)", len(q.fields)),
        ("Underlag", _basis_text(content)),
        ("Utkast", "Utkastens svar visas i Svar och Koder men räknas inte i Sammanställning."
         if content.include_drafts else "Utkast (ej inskickade svar) ingår inte i filen."),
        ("Filen skapad (svensk tid)", local_naive(content.made_at)),
    ]
    row = 2
    for label, value in lines:
        sheet.write_string(row, 0, label, formats.bold)
        if isinstance(value, float):
            sheet.write_number(row, 1, value, formats.percent)
        elif isinstance(value, int):
            sheet.write_number(row, 1, value, formats.integer)
        elif isinstance(value, str):
            sheet.write_string(row, 1, value, formats.wrap)
            sheet.set_row(row, row_points(wrapped_lines(value, 100)))
        else:
            sheet.write_datetime(row, 1, value, formats.moment)
        row += 1
    _legend(sheet, row + 1, formats, NOT_ASKED_MARK)


LEGEND = (
    ("Ej aktuell: frågan ställdes inte till organisationen, eftersom villkoret i Kodbok («Ställs om») "
     "inte var uppfyllt. Räknas inte i n."),
    ("Obesvarad (tom gul cell): frågan ställdes och krävde ett svar, men lämnades obesvarad "
     "(partiellt bortfall). Räknas inte i n; redovisas som Obesvarade (bortfall)."),
    ("Lämnad tom (tom vit cell): ett frivilligt fält (kommentar, fritext, precisering) som lämnades tomt. "
     "Inget bortfall; redovisas som Lämnade tomma."),
    "Organisationen skickade inte in något svar; raden har inga svar.",
    "Antal organisationer som fick frågan och besvarade den. Andelar räknas på n.",
    "Fritextsvar återges som de lämnades och alltid som text, även när de börjar med =, +, - eller @.",
    ("Bladet Koder är maskinläsbart (svars-id i första raden, organisationskod i första kolumnen) och kan "
     "läsas in igen med «survey import»."),
    ("Rekonstruerade texter (Kodbok, sista kolumnen) är inte enkätens officiella formulering utan "
     "återskapade ur den publicerade rapporten."),
)


def _legend(sheet: Worksheet, row: int, formats: Formats, mark: str) -> None:
    sheet.write_string(row, 0, "Teckenförklaring", formats.title)
    keys = ((mark, formats.not_asked), ("", formats.unanswered), ("", formats.text),
            ("Ej inskickad", formats.text), ("n", formats.text), ("Text", formats.text),
            ("Koder", formats.text), ("Rekonstruerad", formats.text))
    for offset, ((key, fmt), text) in enumerate(zip(keys, LEGEND, strict=True), 1):
        if key:
            sheet.write_string(row + offset, 0, key, fmt)
        else:
            sheet.write_blank(row + offset, 0, None, fmt)
        sheet.write_string(row + offset, 1, text, formats.wrap)
        sheet.set_row(row + offset, row_points(wrapped_lines(text, 100)))


def _extensions_text(content: AnswerFile) -> str:
    info = content.info
    names = {org.code: org.name for org in content.results.organisations}
    lines = []
    for e in info.extensions:
        who = "Sista svarsdag för alla" if not e.organisation else \
            f"{e.organisation} {names.get(e.organisation, '')}".strip()
        reason = f": {e.reason}" if e.reason else ""
        lines.append(f"{who} förlängd {e.days} dagar, från {e.original.isoformat()} till "
                     f"{e.until.isoformat()}{reason}")
    return "\n".join(lines) or "Inga"


def _basis_text(content: AnswerFile) -> str:
    info = content.info
    if info.snapshot_version is None:
        return "Aktuella svar (ej frysta) när filen skapades."
    at = local_naive(info.snapshot_at).strftime("%Y-%m-%d %H:%M") if info.snapshot_at else "?"
    return (f"Fryst version {info.snapshot_version} av omgångens resultat ({at} svensk tid), "
            f"SHA-256 {info.snapshot_hash}")
