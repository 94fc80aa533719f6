"""The answer file's machine-readable layout, shared by its writer (``exports.xlsx``) and its
reader (``survey.responses.xlsx_read``), so a file the engine wrote always reads back."""

NOT_ASKED_MARK = "–"
ORG_COLUMNS = ("organisation", "name", "kind", "county", "status", "submitted_at")
