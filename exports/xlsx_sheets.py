"""The small sheets of the answer file: ``Kodbok``, ``Sammanställning`` and ``Om enkäten``.

``Sammanställning`` prints the aggregation's numbers (``RoundResults``) and nothing else, so
the file can never disagree with the pages or the deck.
"""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from exports.xlsx_common import AnswerFile, Formats, header_text, local_naive, safe_text
from survey.aggregation.aggregate import ItemResult
from survey.questionnaire import conditions as cond
from survey.questionnaire.model import Field, ItemType, Questionnaire, Role
from survey.reports.answer_file import NOT_ASKED_MARK

ROLE_LABELS = {Role.MAIN: "Huvudfråga", Role.FOLLOWUP: "Följdfråga", Role.COMMENT: "Kommentar",
               Role.SPECIFY: "Precisering av «Annat»"}
TYPE_LABELS = {ItemType.YESNO: "Ja/nej", ItemType.SINGLE: "Ett svarsalternativ",
               ItemType.MULTIPLE: "Flera svarsalternativ", ItemType.TEXT: "Fritext",
               ItemType.NUMBER: "Tal", ItemType.DATE: "Datum", ItemType.MATRIX: "Matris",
               ItemType.YESNO_LIST: "Ja/nej-lista"}
CODEBOOK_HEADERS = ("Svars-id", "Avsnitt", "Fråga nr", "Frågetext", "Rad", "Roll", "Typ",
                    "Koder och etiketter", "Ställs om", "Obligatorisk", "Högst antal tecken")
SUMMARY_HEADERS = ("Svars-id", "Fråga nr", "Fråga", "Svar", "Kod", "Antal", "Andel",
                   "n (besvarade)", "Obesvarade", "Ej aktuella", "Ställda", "Inskickade", "Värde")
SUMMARY_FIRST_ROW = 3  # zero-based row of the header in Sammanställning


def routing_words(q: Questionnaire, f: Field) -> str:
    """When the answer id is asked, in words: «Ställs om q03_leg = Ja», or «Alltid»."""
    if f.condition is not None:
        def label(ref: str, code: str) -> str:
            return q.field(ref).label_of(code) if q.has_field(ref) else code
        return f"Ställs om {cond.to_text(f.condition, label)}"
    if f.gate is not None and q.has_field(f.gate):
        return routing_words(q, q.field(f.gate))
    return "Alltid"


def write_codebook(sheet: Worksheet, q: Questionnaire, formats: Formats) -> None:
    widths = (14, 30, 8, 70, 30, 16, 18, 30, 34, 11, 11)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 1)
    for col, text in enumerate(CODEBOOK_HEADERS):
        sheet.write_string(0, col, text, formats.header)
    sections = {s.id: s.title for s in q.sections}
    for row, f in enumerate(q.fields, 1):
        item = q.item(f.item_id)
        text = item.text if f.role in (Role.MAIN, Role.FOLLOWUP) else f.label
        codes = "\n".join(f"{c.code} = {c.label}" for c in f.codes)
        cells = (f.id, sections.get(f.section_id, f.section_id), item.number or "", text,
                 f.label if f.row is not None else "", ROLE_LABELS[f.role], TYPE_LABELS[f.type],
                 codes, routing_words(q, f), "Ja" if f.required else "Nej",
                 str(f.max_length) if f.max_length else "")
        for col, value in enumerate(cells):
            sheet.write_string(row, col, value, formats.wrap)
    sheet.autofilter(0, 0, len(q.fields), len(CODEBOOK_HEADERS) - 1)


def write_summary(sheet: Worksheet, q: Questionnaire, content: AnswerFile, formats: Formats) -> None:
    results = content.results
    widths = (14, 8, 60, 34, 18, 9, 9, 12, 11, 11, 9, 11, 11)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet.write_string(0, 0, f"Sammanställning: {content.info.name}", formats.title)
    sheet.write_string(1, 0, f"Inskickade svar: {results.submitted} av {results.population}. "
                             "n = antal som fick frågan och besvarade den; andelen räknas på n. "
                             "Obesvarade = fick frågan men lämnade den obesvarad; ej aktuella = "
                             "fick inte frågan (se «Ställs om» i Kodbok). Utkast räknas inte.")
    for col, text in enumerate(SUMMARY_HEADERS):
        sheet.write_string(SUMMARY_FIRST_ROW, col, text, formats.header)
    sheet.freeze_panes(SUMMARY_FIRST_ROW + 1, 1)
    row = SUMMARY_FIRST_ROW + 1
    for f in q.fields:
        for answer, code, count, share, value in _summary_lines(f, results[f.id]):
            row = _summary_row(sheet, row, q, f, results[f.id], (answer, code, count, share, value),
                               formats)
    sheet.autofilter(SUMMARY_FIRST_ROW, 0, row - 1, len(SUMMARY_HEADERS) - 1)


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
    for col, text in enumerate((f.id, number, safe_text(header_text(q, f)), answer, code)):
        sheet.write_string(row, col, text, formats.text)
    if count is not None:
        sheet.write_number(row, 5, count, formats.integer)
    if share is not None:
        sheet.write_number(row, 6, share, formats.percent)
    for col, number_ in enumerate((item.answered, item.unanswered, item.not_applicable,
                                   item.applicable, item.submitted), 7):
        sheet.write_number(row, col, number_, formats.integer)
    if value is not None:
        sheet.write_number(row, 12, value, formats.decimal)
    return row + 1


def write_about(sheet: Worksheet, content: AnswerFile, formats: Formats) -> None:
    info, q, results = content.info, content.questionnaire, content.results
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 100)
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
        else:
            sheet.write_datetime(row, 1, value, formats.moment)
        row += 1
    _legend(sheet, row + 1, formats, NOT_ASKED_MARK)


def _legend(sheet: Worksheet, row: int, formats: Formats, mark: str) -> None:
    sheet.write_string(row, 0, "Teckenförklaring", formats.title)
    sheet.write_string(row + 1, 0, mark, formats.not_asked)
    sheet.write_string(row + 1, 1, "Ej aktuell: frågan ställdes inte till organisationen, eftersom "
                                   "villkoret i Kodbok («Ställs om») inte var uppfyllt. Räknas inte i n.",
                       formats.wrap)
    sheet.write_blank(row + 2, 0, None, formats.unanswered)
    sheet.write_string(row + 2, 1, "Obesvarad (tom gul cell): frågan ställdes men lämnades obesvarad "
                                   "(partiellt bortfall). Räknas inte i n; redovisas som Obesvarade.",
                       formats.wrap)
    sheet.write_string(row + 3, 0, "Ej inskickad", formats.text)
    sheet.write_string(row + 3, 1, "Organisationen skickade inte in något svar; raden har inga svar.",
                       formats.wrap)
    sheet.write_string(row + 4, 0, "n", formats.text)
    sheet.write_string(row + 4, 1, "Antal organisationer som fick frågan och besvarade den. Andelar "
                                   "räknas på n.", formats.wrap)
    sheet.write_string(row + 5, 0, "Text", formats.text)
    sheet.write_string(row + 5, 1, "Fritextsvar återges som de lämnades och alltid som text, även när "
                                   "de börjar med =, +, - eller @.", formats.wrap)
    sheet.write_string(row + 6, 0, "Koder", formats.text)
    sheet.write_string(row + 6, 1, "Bladet Koder är maskinläsbart (svars-id i första raden, "
                                   "organisationskod i första kolumnen) och kan läsas in igen med "
                                   "«survey import».", formats.wrap)


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
