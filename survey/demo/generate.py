"""The generator of the demo answer files in ``survey/demo/data/`` (``survey demo regenerate``).

``regioner-2025-svar.json`` is made from the counts below: every figure with a number in
Socialstyrelsen's published 2025 results (docs/reference/published-figures-2025.json), and for
the figures the deck only describes in words («majoriteten», «omkring två tredjedelar») a count
that fits the words. Which region gives which answer is invented: each region has a seeded
"maturity", and for each item the regions asked it are ranked by maturity plus seeded noise;
the first ones get the first code («ja»), so the answers are consistent with the routing and
vary plausibly. ``regioner-2024-svar.json`` is derived from it (``data_2024.write_answers_file``).
The files are committed; a test regenerates both and compares them byte for byte.
"""

from __future__ import annotations

import json
import random
import tempfile
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from survey.config import QUESTIONNAIRE_DIR
from survey.demo import data_2024, data_2025
from survey.questionnaire import Questionnaire, load_questionnaire
from survey.questionnaire.model import Field, ItemType
from survey.questionnaire.routing import is_applicable
from survey.questionnaire.values import Value
from survey.registry import load_registry

SEED = 2025
NOTE = ("FIKTIVA SVAR. Detta är ett påhittat men konsekvent dataunderlag för demo och test: det återger "
        "varje siffra med antal i Socialstyrelsens publicerade resultatredovisning 2025 "
        "(published-figures-2025.json), men svaren per region är uppdiktade och beskriver INTE någon "
        "verklig regions svar. Organisationer anges med länskod.")
# How many of those asked answer each code, in the order the definition lists the codes.
COUNTS: dict[str, tuple[int, ...]] = {
    "q01": (19, 1, 1), "q01a": (12, 7, 1), "q19a": (16, 3),
}
# How many of those asked answer «ja» (the rest «nej»).
YES: dict[str, int] = {
    "q02": 20, "q02a": 20, "q02b": 15,
    "q03_leg": 17, "q03_chef": 16, "q03_psf": 16, "q03_ickeleg": 10, "q03_pol": 3, "q03_lok": 3, "q03_cent": 1,
    "q03a_leg": 10, "q03a_chef": 9, "q03a_ickeleg": 5, "q03b_leg": 3, "q03b_chef": 4,
    "q04_leg": 9, "q04_chef": 8, "q04_psf": 10, "q04_ickeleg": 9, "q04_pol": 2, "q04_lok": 3, "q04_cent": 1,
    "q04a_leg": 5, "q04a_chef": 5, "q04a_ickeleg": 4, "q04b_leg": 5, "q04b_chef": 2, "q04b_ickeleg": 2,
    "q05": 19, "q05a": 13, "q06": 0, "q07": 3, "q07a": 3, "q08": 12, "q08a": 4, "q09": 1, "q09a": 0,
    "q10_1": 14, "q10_2": 13, "q10_3": 14, "q11_1": 15, "q11_2": 14, "q11_3": 13,
    "q11a_1": 11, "q11a_2": 10, "q11a_3": 9, "q12": 17, "q12a": 10, "q13": 20, "q14": 16, "q14a": 11,
    "q15": 14, "q15a": 8, "q15b_1": 14, "q15b_2": 14, "q15b_3": 14, "q15b_4": 10, "q15b_5": 9, "q15b_6": 4,
    "q16": 17, "q16a": 9, "q16b_1": 14, "q16b_2": 17, "q16b_3": 17, "q16b_4": 17, "q16b_5": 17, "q16b_6": 17,
    "q16b_7": 4, "q17_1": 15, "q17_2": 14, "q17_3": 14, "q17a": 10,
    "q18_1": 13, "q18_2": 15, "q18_3": 15, "q18_4": 17, "q19": 19, "q19b": 17, "q20": 18, "q20a": 11,
    "q21_1": 16, "q21_2": 15,
}
# «Det finns ett partiellt bortfall i en fråga»: one region leaves q14 blank.
BLANK = {"q14": 1}
# q17a is asked of all 21 (n = 21 on the deck): every region answers «ja» to some row of q17.
SOME_ROW_YES = ("q17",)
# Free text, given to as many of those asked as there are texts. q22's first twelve are the
# examples on the deck's free-text slide (verbatim), the rest are invented.
TEXTS: dict[str, tuple[str, ...]] = {
    "q15b_6_text": ("Kollegialt stöd genom utbildade stödpersoner på varje förvaltning.",
                    "Samtal med företagshälsovården vid behov.",
                    "Stödgrupp för medarbetare efter allvarliga händelser."),
    "q16b_7_text": ("Uppföljande samtal med patienten efter avslutad händelseanalys.",
                    "Kontaktperson utses för patient och närstående under hela utredningen.",
                    "Information om patientkontrakt och fast vårdkontakt.",
                    "Erbjudande om stödsamtal via kurator."),
    "q22": (
        "Ett förtydligande av regionens roll som huvudman och vårdgivare skulle möjliggöra bättre "
        "uppföljningar och sammanställningar för det fortsatta förbättringsarbetet",
        "Ledningsstrukturernas fokus på frågorna",
        "Samverkan med kommunerna kan stärkas ytterligare i gemensamma riskområden så som t ex vårdens "
        "övergångar, vårdrelaterade infektioner och trycksårsprevention",
        "Samverkan kring avvikelshantering kan stärkas",
        "Involvera patient/närstående i högre utsträckning i patientsäkerhetsarbete",
        "Patientdelaktighet",
        "Nationella indikatorer som går att följa upp på regionalnivå samt på förvaltningsnivå",
        "Stöd från nationell nivå inom uppföljningsområdet inkl indikatorer och MJG är önskvärt",
        "Utbildningsprogram för chefer och medarbetare i sakområdet patientsäkerhet",
        "Tillgång till utbildningar i patientsäkerhet till högre tjänstemän",
        "Implementering av antibiotikasmarta arbetssätt i regionen",
        "Framtagande av automatiserad journalgranskning att använda vid MJG",
        "Tydligare uppdrag och mandat för patientsäkerhetssamordnare i förvaltningarna.",
        "Fler utbildade händelseanalytiker och analysledare.",
        "Att patientsäkerhetsdialoger hålls regelbundet i regionens ledningsgrupp.",
        "Gemensam regional modell för egenkontroll och\nuppföljning av vårdskador.",
        "Mer tid för chefer att arbeta med lärande av avvikelser och händelseanalyser.",
        "Bättre IT-stöd för avvikelsehantering som är gemensamt med kommunerna.",
    ),
}
# q01's comment says why a region without its own plan answered as it did (the deck quotes it).
COMMENT_BY_Q01 = {
    "nej": "Regionen har ingen egen handlingsplan men planerar och genomför systematiskt "
           "patientsäkerhetsarbete i enlighet med den nationella handlingsplanen.",
    "nej_beslut": "Beslut om att ta fram en regional handlingsplan fattades under våren; arbetet pågår.",
}
FIRST_SUBMISSION = datetime(2025, 9, 24)


class _Regions:
    """Each region's answers so far, its applicable ids and its maturity (the ranking's base)."""

    def __init__(self, codes: list[str], rng: random.Random) -> None:
        self.codes = codes
        self.maturity = {code: rng.random() for code in codes}
        self.answers: dict[str, dict[str, Value]] = {code: {} for code in codes}
        self.applicable: dict[str, set[str]] = {code: set() for code in codes}

    def asked(self, f: Field) -> list[str]:
        found = [code for code in self.codes if is_applicable(f, self.applicable[code], self.answers[code])]
        for code in found:
            self.applicable[code].add(f.id)
        return found


def _ranked(q: Questionnaire, f: Field, regions: _Regions, asked: list[str], rng: random.Random) -> list[str]:
    """Most mature first; on the last row of a SOME_ROW_YES matrix, first those with no «ja» yet."""
    score = {code: regions.maturity[code] + rng.gauss(0, 0.25) for code in asked}
    rows = [g.id for g in q.fields if g.item_id == f.item_id and g.row is not None]
    first: set[str] = set()
    if f.item_id in SOME_ROW_YES and rows[-1] == f.id:
        first = {code for code in asked if "ja" not in (regions.answers[code].get(row) for row in rows)}
    return sorted(asked, key=lambda code: (code not in first, -score[code]))


def _coded(q: Questionnaire, f: Field, regions: _Regions, asked: list[str], rng: random.Random) -> None:
    counts = COUNTS.get(f.id) or (YES[f.id], len(asked) - YES[f.id] - BLANK.get(f.id, 0))
    blank = set(rng.sample(asked, BLANK[f.id])) if f.id in BLANK else set()
    ranked = [code for code in _ranked(q, f, regions, asked, rng) if code not in blank]
    if sum(counts) != len(ranked) or min(counts) < 0:
        raise ValueError(f"{f.id}: the counts {counts} do not add up to the {len(ranked)} regions asked")
    position = 0
    for choice, count in zip(f.codes, counts, strict=True):
        for code in ranked[position:position + count]:
            regions.answers[code][f.id] = choice.code
        position += count


def _text(f: Field, regions: _Regions, asked: list[str], rng: random.Random) -> None:
    if f.id == "q01_kommentar":
        for code in asked:
            comment = COMMENT_BY_Q01.get(str(regions.answers[code].get("q01")))
            if comment:
                regions.answers[code][f.id] = comment
        return
    texts = TEXTS.get(f.id, ())
    if len(texts) > len(asked):
        raise ValueError(f"{f.id}: {len(texts)} texts for {len(asked)} regions asked")
    for code, text in zip(sorted(rng.sample(asked, len(texts))), texts, strict=True):
        regions.answers[code][f.id] = text


def answers_2025(q: Questionnaire, codes: list[str], seed: int = SEED) -> dict[str, dict[str, Value]]:
    """Every region's answers, item by item in questionnaire order (so routing sees its parents)."""
    rng = random.Random(seed)
    regions = _Regions(sorted(codes), rng)
    for f in q.fields:
        asked = regions.asked(f)
        if not asked:
            continue
        if f.codes:
            _coded(q, f, regions, asked, rng)
        elif f.type is ItemType.TEXT:
            _text(f, regions, asked, rng)
    if len({json.dumps(given, sort_keys=True) for given in regions.answers.values()}) != len(codes):
        raise ValueError("two regions answered alike: change the seed")
    return {code: {f.id: given[f.id] for f in q.fields if f.id in given}
            for code, given in regions.answers.items()}


def document_2025(q: Questionnaire, seed: int = SEED) -> dict[str, Any]:
    """The contract's JSON answers document: one submitted response per region."""
    codes = [org.code for org in load_registry() if org.kind == "region"]
    answers = answers_2025(q, codes, seed)
    rng = random.Random(seed + 1)
    return {"note": NOTE, "questionnaire": q.id,
            "responses": [{"organisation": code, "status": "submitted",
                           "submitted_at": _submitted_at(rng), "answers": given}
                          for code, given in sorted(answers.items())]}


def _submitted_at(rng: random.Random) -> str:
    """A working-day time in the first three weeks of the collection (Swedish summer time)."""
    moment = FIRST_SUBMISSION + timedelta(days=rng.randrange(21), hours=rng.randrange(8, 16),
                                          minutes=rng.randrange(60))
    return moment.strftime("%Y-%m-%dT%H:%M:00+02:00")


def dumps(document: Mapping[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def regenerate(folder: Path = data_2025.ANSWERS_FILE.parent) -> list[Path]:
    """Write both files into ``folder`` (2025 first: 2024 is derived from it)."""
    q2025 = load_questionnaire(QUESTIONNAIRE_DIR / "regioner-2025.yaml")
    q2024 = load_questionnaire(QUESTIONNAIRE_DIR / "regioner-2024.yaml")
    folder.mkdir(parents=True, exist_ok=True)
    path_2025 = folder / data_2025.ANSWERS_FILE.name
    path_2025.write_text(dumps(document_2025(q2025)), encoding="utf-8")
    path_2024 = data_2024.write_answers_file(q2024, path_2025, folder / data_2024.ANSWERS_FILE.name)
    return [path_2025, path_2024]


def stale_files(folder: Path = data_2025.ANSWERS_FILE.parent) -> list[str]:
    """The files in ``folder`` that differ from what the generator makes now (none: up to date)."""
    with tempfile.TemporaryDirectory() as scratch:
        made = regenerate(Path(scratch))
        return [path.name for path in made
                if not (folder / path.name).is_file() or (folder / path.name).read_bytes() != path.read_bytes()]
