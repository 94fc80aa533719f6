"""What every staff view needs: the acting user, lookups that 404, small shared forms."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, render_template
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from survey.db import Organisation, Round, RoundOrganisation
from survey.formatting import local_time, today
from survey.reports.progress import ROUND_STATE_LABELS, STATE_LABELS
from survey.rounds.lifecycle import round_state as lifecycle_round_state
from survey.web.admin import bp
from survey.web.extensions import db


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token travels."""


def actor() -> str:
    return str(current_user.email)


def get_round(round_id: int) -> Round:
    return db.get_or_404(Round, round_id)


def get_member(round_: Round, code: str) -> RoundOrganisation:
    """The organisation's membership in *this* round: a code from another round is a 404."""
    member = db.session.scalar(select(RoundOrganisation).join(Organisation).where(
        RoundOrganisation.round_id == round_.id, Organisation.code == code))
    if member is None:
        abort(404)
    return member


def round_state(round_: Round) -> str:
    return lifecycle_round_state(round_, today())


def secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def errors_of(form: FlaskForm) -> list[tuple[str, str]]:
    """(field id, message) pairs for the error summary."""
    return [(form[name].id, message) for name, messages in form.errors.items()
            for message in messages if name in form]


ACTION_LABELS = {
    "round.create": "Omgången skapades", "round.edit": "Omgången ändrades",
    "round.questionnaire": "Ny version av enkäten", "round.open": "Omgången öppnades",
    "round.close": "Omgången stängdes", "round.archive": "Omgången arkiverades",
    "round.extend": "Sista svarsdagen förlängdes för alla",
    "member.extend": "Sista svarsdagen ändrades för en organisation",
    "link.replace": "Länken byttes ut", "response.reopen": "Svaret öppnades igen",
    "response.entry": "Svar registrerades av personal", "response.submit": "Svaret skickades in av personal",
    "mail.invitation": "Inbjudningar köades", "mail.reminder": "Påminnelser köades",
    "mail.retry": "Misslyckade utskick köades igen",
    "mail.template": "Utskicksmallen ändrades", "contact.edit": "Kontaktuppgifter ändrades",
    "contact.import": "Kontaktuppgifter importerades",
    "results.freeze": "Resultaten frystes", "results.lift": "Frysningen hävdes",
    "answers.import": "Svar importerades",
    "user.disable": "Användaren stängdes av", "user.enable": "Användaren aktiverades",
    "user.password": "Lösenordet byttes", "user.role": "Rollen ändrades",
    "respondent.identify": "Angav namn och e-post för att svara", "respondent.save": "Svar sparades",
    "respondent.submit": "Svaren skickades in", "respondent.receipt_mail": "Kvitto skickades med e-post",
}
DETAIL_LABELS = {
    "reason": "skäl", "old": "från", "new": "till", "organisations": "organisationer",
    "sent": "skickade till", "failed": "misslyckades", "no_address": "saknar adress",
    "messages": "meddelanden", "backend": "sätt", "kind": "mall", "changes": "ändringar",
    "answers": "svar", "from": "från tillstånd", "opens_on": "öppnar", "closes_on": "stänger",
    "questionnaire": "enkät", "mailing": "utskick", "number": "kvittensnummer", "to": "till",
}


@bp.app_template_filter("action_label")
def _action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


@bp.app_template_filter("details_text")
def _details_text(details: dict[str, Any]) -> str:
    def show(value: Any) -> str:
        if isinstance(value, dict):
            return ", ".join(f"{k} {show(v)}" for k, v in value.items())
        if isinstance(value, list):
            return " → ".join(str(v) for v in value)
        return str(value)

    return "; ".join(f"{DETAIL_LABELS.get(k, k)}: {show(v)}" for k, v in details.items())


@bp.app_template_filter("time_sv")
def _time_sv(moment: Any) -> str:
    return local_time(moment)


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {"round_state_labels": ROUND_STATE_LABELS, "state_labels": STATE_LABELS,
            "round_state": round_state}


@bp.errorhandler(403)
def _forbidden(_error: Any) -> tuple[str, int]:
    return render_template("admin/error.html", title="Behörighet saknas",
                           message="Du har inte behörighet till den här sidan."), 403


@bp.errorhandler(404)
def _not_found(_error: Any) -> tuple[str, int]:
    return render_template("admin/error.html", title="Sidan finns inte",
                           message="Sidan eller uppgiften du söker finns inte."), 404
