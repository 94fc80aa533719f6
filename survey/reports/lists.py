"""The columns of the mail-merge list of a round (CSV and Excel alike)."""

MERGE_COLUMNS = ("Kod", "Organisation", "Registrator", "Kontaktperson", "Kontaktpersonens e-post",
                 "Sista svarsdag", "Länk")
