"""The reflection pages through an organisation's link, and the staff pages for themes and publishing."""

from __future__ import annotations

import io
import re

from flask import Flask
from flask.testing import FlaskClient
from pptx import Presentation

from survey.db import Quote, Round, Theme
from survey.reflection import is_published, unpublish
from survey.web.extensions import db
from tests.staff_helpers import post

TOKEN_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_the_reflection_shows_own_answers_beside_everyone(client: FlaskClient, published: tuple[Round, str]) -> None:
    _, token = published
    page = client.get(f"/reflektion/{token}/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Region Kronoberg: era svar och alla regioners" in html
    assert re.search(r"Ni svarade (Ja|Nej)\. Det gjorde \d+ av 21 regioner\.", html)
    assert html.count('<svg class="bar-chart" role="img"') > 40 and "Ert svar:" in html
    assert "Här skiljer sig era svar" in html and re.search(r"(liksom \d+ andra?|den enda) av 21 regioner", html)
    assert "Ert svar" in html and "Alla regioner (n = 21)" in html
    assert "Kan inte jämföras med 2024: Frågans formulering har ändrats." in html  # q13
    assert re.search(r"År 2024 svarade ni (Ja|Nej)\.", html)


def test_before_publication_the_page_says_so(client: FlaskClient, published: tuple[Round, str]) -> None:
    round_, token = published
    unpublish(db.session, round_)
    db.session.commit()
    page = client.get(f"/reflektion/{token}/")
    assert "Resultaten är inte publicerade ännu" in page.get_data(as_text=True)
    assert client.get(f"/reflektion/{token}/reflektion.pptx").status_code == 200  # the same page
    assert client.get("/reflektion/" + "x" * 43 + "/").status_code == 404


def _notes_form(client: FlaskClient, token: str) -> dict[str, str]:
    html = client.get(f"/reflektion/{token}/anteckningar").get_data(as_text=True)
    fields = dict(re.findall(r'name="(version-[a-z0-9]+)" value="(\d+)"', html))
    fields["csrf_token"] = TOKEN_FIELD.search(html).group(1)  # type: ignore[union-attr]
    return fields


def test_notes_are_saved_downloaded_and_never_silently_overwritten(app: Flask, published: tuple[Round, str]) -> None:
    _, token = published
    first, second = app.test_client(), app.test_client()
    form_one, form_two = _notes_form(first, token), _notes_form(second, token)
    saved = first.post(f"/reflektion/{token}/anteckningar", data={**form_one, "note-fraga1": "Vi följer planen."})
    assert saved.status_code == 302
    clash = second.post(f"/reflektion/{token}/anteckningar", data={**form_two, "note-fraga1": "Något annat."})
    assert clash.status_code == 409
    assert "Vi följer planen." in clash.get_data(as_text=True)
    deck = first.get(f"/reflektion/{token}/reflektion.pptx")
    assert deck.status_code == 200 and deck.mimetype.endswith("presentationml.presentation")
    text = "\n".join(s.text_frame.text for slide in Presentation(io.BytesIO(deck.data)).slides
                     for s in slide.shapes if s.has_text_frame)
    assert "Vi följer planen." in text and "Region Kronoberg" in text
    assert first.get(f"/reflektion/{token}/reflektion.xlsx").status_code == 200
    tampered = first.post(f"/reflektion/{token}/anteckningar",
                          data={**_notes_form(first, token), "version-fraga1": "²", "note-fraga1": "Ändrad"})
    assert tampered.status_code == 422 and "ogiltig version" in tampered.get_data(as_text=True)
    again = first.get(f"/reflektion/{token}/anteckningar").get_data(as_text=True)
    assert "Vi följer planen." in again and "Ändrad" not in again


def test_staff_tag_quote_publish_and_download(admin_client: FlaskClient, published: tuple[Round, str]) -> None:
    round_, _ = published
    page = admin_client.get(f"/admin/teman/{round_.id}/")
    assert page.status_code == 200
    # One question at a time: the quote is on the page of its question.
    pages = len(re.findall(r"fraga=\d+", page.get_data(as_text=True))) + 1
    assert any("Patientdelaktighet" in admin_client.get(f"/admin/teman/{round_.id}/?fraga={n}").get_data(as_text=True)
               for n in range(pages))
    quote = db.session.scalars(db.select(Quote).where(Quote.round_id == round_.id)).first()
    theme = db.session.scalars(db.select(Theme).where(Theme.round_id == round_.id, Theme.name == "Uppföljning")).one()
    answer = post(admin_client, f"/admin/teman/{round_.id}/svar",
                  {"response_id": quote.response_id, "answer_id": quote.answer_id,
                   "theme": [str(theme.id)], "use_quote": "1", "quote": "Kortare citat",
                   "quote_theme": str(theme.id)})
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(Quote, quote.id).text == "Kortare citat"
    assert post(admin_client, f"/admin/teman/{round_.id}/publicering", {"action": "unpublish"}).status_code == 302
    assert not is_published(db.session, db.session.get(Round, round_.id))
    deck = admin_client.get(f"/admin/teman/{round_.id}/sammanstallning.pptx")
    prs = Presentation(io.BytesIO(deck.data))
    titles = [slide.shapes.title.text for slide in prs.slides if slide.shapes.title]
    assert "19 regioner har en regionövergripande handlingsplan för patientsäkerhet för sin hälso- och " \
           "sjukvårdsverksamhet" in titles
    assert ("I 12 av de 20 regioner som har eller har fattat beslut om en handlingsplan fattades beslutet på "
            "politisk nivå") in titles  # the report definition's headline, with the round's numbers


def test_analysts_may_tag_but_not_publish(analyst_client: FlaskClient, published: tuple[Round, str]) -> None:
    round_, _ = published
    assert analyst_client.get(f"/admin/teman/{round_.id}/").status_code == 200
    refused = post(analyst_client, f"/admin/teman/{round_.id}/publicering", {"action": "unpublish"})
    assert refused.status_code == 403


def test_themes_pages_need_a_staff_login(client: FlaskClient, published: tuple[Round, str]) -> None:
    round_, _ = published
    assert client.get(f"/admin/teman/{round_.id}/").status_code in (302, 401)
    assert client.get(f"/admin/teman/{round_.id}/sammanstallning.pptx").status_code in (302, 401)




def test_every_download_is_named_in_words(client: FlaskClient, admin_client: FlaskClient,
                                          published: tuple[Round, str]) -> None:
    """Issue 11 item 6: «Sammanställning Patientsäkerhet 2025.pptx», not ``sammanstallning-…-runda-9.pptx``."""
    from tests.helpers import download_name

    round_, token = published
    version = round_.questionnaire_version
    title = round_.name.replace(":", "")  # «Demo: …»: Windows takes no colon in a file name
    expected = {
        f"/admin/teman/{round_.id}/sammanstallning.pptx": f"Sammanställning {title}.pptx",
        f"/admin/rundor/{round_.id}/lankar.csv": f"Länkar {title}.csv",
        f"/admin/rundor/{round_.id}/lankar.xlsx": f"Länkar {title}.xlsx",
        f"/admin/enkater/{version.id}/xlsform.xlsx": f"XLSForm {version.questionnaire_id} version {version.id}.xlsx",
        f"/admin/enkater/{version.id}/andringar.csv": f"Ändringar {version.questionnaire_id} version {version.id}.csv",
    }
    for url, name in expected.items():
        answer = admin_client.get(url)
        assert answer.status_code == 200, url
        assert download_name(answer.headers["Content-Disposition"]) == name, url
    status = admin_client.get(f"/admin/rundor/{round_.id}/framsteg.xlsx")
    progress = download_name(status.headers["Content-Disposition"])
    assert re.fullmatch(rf"Status {re.escape(title)} \d{{4}}-\d{{2}}-\d{{2}}\.xlsx", progress), progress
    for kind in ("pptx", "xlsx"):
        answer = client.get(f"/reflektion/{token}/reflektion.{kind}")
        name = download_name(answer.headers["Content-Disposition"])
        assert name == f"Reflektion Region Kronoberg {version.year}.{kind}"


def test_theme_counts_show_tagged_questions_and_name_the_rest(admin_client: FlaskClient,
                                                               published: tuple[Round, str]) -> None:
    round_, _ = published
    html = admin_client.get(f"/admin/teman/{round_.id}/").get_data(as_text=True)
    captions = re.findall(r"<caption>Antal svar per tema: ([^<]*)</caption>", html)
    assert captions and all("stärkas" in caption or "Kommentar" in caption or "–" in caption for caption in captions)
    tables = re.findall(r"<caption>Antal svar per tema.*?</tbody>", html, flags=re.S)
    assert all(re.search(r'<td class="num">[1-9]', table) for table in tables), "a table of zeros only"
    assert re.search(r"Inga svar har tema ännu på \d+ frågor?:", html)
    for hostile in ("²", "-1", "99999999999999999999", "abc"):  # the first question
        page = admin_client.get(f"/admin/teman/{round_.id}/?fraga={hostile}")
        assert page.status_code == 200, hostile
    refused = admin_client.get(f"/admin/teman/{round_.id}/?fraga=%00")  # survey/web/boundary.py
    assert refused.status_code == 400 and 'lang="sv"' in refused.get_data(as_text=True)
