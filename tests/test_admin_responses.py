"""Staff and an organisation's answers: read-only view, reopening, history, entry on behalf."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from survey.db import AnswerHistory, AuditEvent, Response, Round
from survey.responses.answers import save_answers
from survey.rounds.lifecycle import questionnaire_of
from survey.web.extensions import db
from tests.staff_helpers import ADMIN, answer, complete_answers, csrf_token, first_answer_ids, post


def _response(round_: Round, code: str) -> Response:
    db.session.expire_all()
    return next(r for r in db.session.scalars(select(Response).where(Response.round_id == round_.id))
                if r.organisation.code == code)


def test_view_is_read_only_and_labels_answers(admin_client: FlaskClient, kommun_round: Round) -> None:
    answer(kommun_round, "0180", complete_answers(kommun_round), submit_it=True)
    page = admin_client.get(f"/admin/rundor/{kommun_round.id}/org/0180/svar")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Inskickat" in text and "skrivskyddad" in text
    assert '<input type="radio"' not in text  # nothing to edit here
    q = questionnaire_of(kommun_round)
    first = q.fields[0]
    assert first.codes[0].label in text


def test_reopen_needs_a_reason_and_is_recorded(admin_client: FlaskClient, kommun_round: Round) -> None:
    answer(kommun_round, "0180", complete_answers(kommun_round), submit_it=True)
    url = f"/admin/rundor/{kommun_round.id}/org/0180/svar/oppna"
    token_page = f"/admin/rundor/{kommun_round.id}/org/0180/svar"
    refused = post(admin_client, url, {"reason": " "}, token_from=token_page)
    assert refused.status_code == 422 and "Ange ett skäl." in refused.get_data(as_text=True)
    assert _response(kommun_round, "0180").status == "submitted"
    done = post(admin_client, url, {"reason": "Fel siffra i fråga 3"}, token_from=token_page)
    assert done.status_code == 302
    response = _response(kommun_round, "0180")
    assert response.status == "reopened" and response.submitted_at is None
    status = db.session.scalars(select(AnswerHistory).where(AnswerHistory.answer_id == "_status")).one()
    assert status.changed_by == ADMIN and "Fel siffra i fråga 3" in status.new_value
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "response.reopen")).one()
    assert event.details == {"reason": "Fel siffra i fråga 3"}
    history = admin_client.get(f"/admin/rundor/{kommun_round.id}/org/0180/historik").get_data(as_text=True)
    assert "Svarets status" in history and "Fel siffra i fråga 3" in history
    progress = admin_client.get(f"/admin/rundor/{kommun_round.id}/framsteg").get_data(as_text=True)
    assert "Öppnad igen" in progress


def test_history_of_one_answer_shows_who_when_old_and_new(admin_client: FlaskClient, kommun_round: Round) -> None:
    (answer_id, value), = first_answer_ids(kommun_round, 1)
    q = questionnaire_of(kommun_round)
    other = q.field(answer_id).codes[1].code
    response = answer(kommun_round, "0180", {answer_id: value}, actor="eva@stockholm.se")
    save_answers(db.session, response, {answer_id: other}, None, "olle@stockholm.se", "respondent")
    db.session.commit()
    page = admin_client.get(f"/admin/rundor/{kommun_round.id}/org/0180/historik?svar={answer_id}")
    text = page.get_data(as_text=True)
    assert "eva@stockholm.se" in text and "olle@stockholm.se" in text
    labels = [q.field(answer_id).label_of(code) for code in (value, other)]
    assert text.index("olle@stockholm.se") < text.index("eva@stockholm.se")  # newest first
    assert all(label in text for label in labels)


def test_entry_on_behalf_is_attributed_and_marked(admin_client: FlaskClient, kommun_round: Round) -> None:
    q = questionnaire_of(kommun_round)
    section = q.sections[0]
    url = f"/admin/rundor/{kommun_round.id}/org/1480/registrera?avsnitt={section.id}"
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="v__' in page.get_data(as_text=True)
    (answer_id, value), = first_answer_ids(kommun_round, 1)
    token = csrf_token(admin_client, url)
    saved = admin_client.post(url, data={answer_id: value, f"v__{answer_id}": "0", "csrf_token": token})
    assert saved.status_code == 302
    row = db.session.scalars(select(AnswerHistory).where(AnswerHistory.answer_id == answer_id)).one()
    assert (row.changed_by, row.source, row.new_value) == (ADMIN, "staff", value)
    assert db.session.scalars(select(AuditEvent.action)).all()[-1] == "response.entry"
    history = admin_client.get(f"/admin/rundor/{kommun_round.id}/org/1480/historik").get_data(as_text=True)
    assert "personal åt organisationen" in history


def test_entry_shows_a_conflict_instead_of_overwriting(admin_client: FlaskClient, kommun_round: Round) -> None:
    q = questionnaire_of(kommun_round)
    (answer_id, value), = first_answer_ids(kommun_round, 1)
    url = f"/admin/rundor/{kommun_round.id}/org/1480/registrera?avsnitt={q.sections[0].id}"
    token = csrf_token(admin_client, url)  # the staff member loads the page (version 0)
    theirs = q.field(answer_id).codes[1].code
    answer(kommun_round, "1480", {answer_id: theirs}, actor="kommunen@goteborg.se")
    page = admin_client.post(url, data={answer_id: value, f"v__{answer_id}": "0", "csrf_token": token})
    assert page.status_code == 422 and "organisationen har ändrat svaret" in page.get_data(as_text=True)
    assert {a.answer_id: a.value for a in _response(kommun_round, "1480").answers}[answer_id] == theirs


def test_entry_writes_only_answers_whose_routing_applies(admin_client: FlaskClient, kommun_round: Round) -> None:
    """q01a is asked only when q01 is «ja» or «nej_beslut»: typed after «nej», it is not stored."""
    url = f"/admin/rundor/{kommun_round.id}/org/1480/registrera?avsnitt=handlingsplan"
    data = {"q01": "nej", "v__q01": "0", "q01a": "politisk", "v__q01a": "0",
            "csrf_token": csrf_token(admin_client, url)}
    assert admin_client.post(url, data=data).status_code == 302
    assert {a.answer_id: a.value for a in _response(kommun_round, "1480").answers} == {"q01": "nej"}
    assert not db.session.scalars(select(AnswerHistory).where(AnswerHistory.answer_id == "q01a")).all()
    data.update(q01="ja", v__q01="1")  # posted together with the answer that opens it: stored
    assert admin_client.post(url, data=data).status_code == 302
    assert {a.answer_id: a.value for a in _response(kommun_round, "1480").answers} == {"q01": "ja", "q01a": "politisk"}


def test_entry_refuses_a_tampered_version_and_saves_nothing(admin_client: FlaskClient, kommun_round: Round) -> None:
    url = f"/admin/rundor/{kommun_round.id}/org/1480/registrera?avsnitt=handlingsplan"
    for version in ("²", "abc", "-1", "99999999999", ""):
        data = {"q01": "ja", "v__q01": version, "csrf_token": csrf_token(admin_client, url)}
        page = admin_client.post(url, data=data)
        assert page.status_code == 422, version
        assert "ogiltig version av svaret" in page.get_data(as_text=True)
    refused = admin_client.post(url, data={"q01": "ja", "csrf_token": csrf_token(admin_client, url)})
    assert refused.status_code == 422 and "utan uppgift om vilken version" in refused.get_data(as_text=True)
    assert _response(kommun_round, "1480").answers == []


def test_entry_refused_on_a_submitted_response(admin_client: FlaskClient, kommun_round: Round) -> None:
    answer(kommun_round, "0180", complete_answers(kommun_round), submit_it=True)
    page = admin_client.get(f"/admin/rundor/{kommun_round.id}/org/0180/registrera", follow_redirects=True)
    assert "Svaret är inskickat. Öppna det igen" in page.get_data(as_text=True)


def test_submit_on_behalf_checks_completeness(admin_client: FlaskClient, kommun_round: Round) -> None:
    answer(kommun_round, "0114", dict(first_answer_ids(kommun_round, 1)))
    url = f"/admin/rundor/{kommun_round.id}/org/0114/registrera/skicka-in"
    entry = f"/admin/rundor/{kommun_round.id}/org/0114/registrera"
    page = post(admin_client, url, {"confirm": "y"}, token_from=entry, follow_redirects=True)
    assert "obligatoriska svar saknas" in page.get_data(as_text=True)
    answer(kommun_round, "0114", complete_answers(kommun_round))
    assert post(admin_client, url, {}, token_from=entry).status_code == 302
    assert _response(kommun_round, "0114").status == "draft"  # not confirmed
    post(admin_client, url, {"confirm": "y"}, token_from=entry)
    response = _response(kommun_round, "0114")
    assert response.status == "submitted" and response.submitted_by == ADMIN
