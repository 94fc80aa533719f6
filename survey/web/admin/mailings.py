"""A round's mailings: templates, sending invitations and reminders, the log, mail merge."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response as WerkzeugResponse

from exports.lists import merge_csv, merge_xlsx
from survey.mail.backends import MailError, backend_from_config
from survey.mail.contacts import merge_rows
from survey.mail.mailings import (
    KIND_LABELS,
    PLACEHOLDERS,
    check_template,
    mail_status,
    plan_mailing,
    queue_mailing,
    retry_failed,
    save_template,
    sent_mail,
    template_for,
)
from survey.web.admin import bp
from survey.web.admin.common import ActionForm, actor, errors_of, get_round, secret
from survey.web.admin.forms import SendForm, TemplateForm, filled
from survey.web.admin.rounds import crumbs
from survey.web.auth import staff_required
from survey.web.downloads import XLSX, download, file_name
from survey.web.extensions import db, db_session
from survey.web.jobs import jobs

DEFAULT_SENDER = "Socialstyrelsen <noreply@socialstyrelsen.se>"
STATUS_LABELS = {"queued": "Köat", "sending": "Skickas", "sent": "Skickat", "failed": "Misslyckades"}
MERGE_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}


def _backend_name() -> str:
    return backend_from_config(current_app.config).name


@bp.get("/rundor/<int:round_id>/utskick")
@staff_required()
def mailings(round_id: int) -> str:
    round_ = get_round(round_id)
    templates = {kind: template_for(db_session(), round_, kind) for kind in KIND_LABELS}
    log = sent_mail(db_session(), round_)
    return render_template("admin/mailings.html", round=round_, templates=templates, log=log,
                           kind_labels=KIND_LABELS, backend=_backend_name(),
                           status=mail_status(db_session(), round_), status_labels=STATUS_LABELS,
                           retry_form=ActionForm(),
                           invite_form=SendForm(kind="invitation", formdata=None),
                           remind_form=SendForm(kind="reminder", formdata=None), crumbs=crumbs(round_))


@bp.route("/rundor/<int:round_id>/utskick/mall/<kind>", methods=["GET", "POST"])
@staff_required()
def mail_template(round_id: int, kind: str) -> ResponseReturnValue:
    round_ = get_round(round_id)
    if kind not in KIND_LABELS:
        abort(404)
    subject, body, _ = template_for(db_session(), round_, kind)
    form = TemplateForm(subject=subject, body=body)
    if form.validate_on_submit():
        problems = check_template(filled(form.subject.data), filled(form.body.data))
        if problems:
            form.body.errors = problems
        else:
            save_template(db_session(), round_, kind, filled(form.subject.data), filled(form.body.data), actor())
            db.session.commit()
            flash(f"Mallen för {KIND_LABELS[kind].lower()} är sparad.", "success")
            return redirect(url_for("admin.mailings", round_id=round_.id))
    return render_template("admin/mail_template.html", round=round_, kind=kind, form=form,
                           errors=errors_of(form), placeholders=PLACEHOLDERS,
                           kind_label=KIND_LABELS[kind], crumbs=crumbs(round_))


@bp.post("/rundor/<int:round_id>/utskick/skicka")
@staff_required()
def mail_send(round_id: int) -> WerkzeugResponse | str:
    round_ = get_round(round_id)
    form = SendForm()
    if not form.validate_on_submit() or form.kind.data not in KIND_LABELS:
        abort(400)
    config = current_app.config
    try:
        if form.confirmed.data != "1":  # first say what it would do: count, recipients, a message
            preview, drafts = plan_mailing(db_session(), round_, filled(form.kind.data), secret=secret(),
                                           base_url=config["BASE_URL"], resend=form.resend.data)
            return render_template("admin/mail_confirm.html", round=round_, form=form, plan=preview,
                                   drafts=drafts, kind_label=KIND_LABELS[form.kind.data],
                                   crumbs=crumbs(round_))
        plan = queue_mailing(db_session(), round_, filled(form.kind.data), actor(), secret=secret(),
                             base_url=config["BASE_URL"], sender=config.get("MAIL_FROM") or DEFAULT_SENDER,
                             resend=form.resend.data)
    except MailError as error:
        flash(str(error), "error")
        return redirect(url_for("admin.mailings", round_id=round_.id))
    db.session.commit()
    if plan.messages:
        jobs().deliver_mailing(plan.mailing_id)
    label = KIND_LABELS[plan.kind].lower()
    flash(f"{label.capitalize()} köad till {len(plan.organisations)} organisationer ({plan.messages} meddelanden); "
          "status för varje meddelande visas nedan."
          + (f" {plan.skipped} hoppades över." if plan.skipped else "")
          + (f" {len(plan.no_address)} saknar e-postadress: {', '.join(plan.no_address[:10])}"
             + (" …" if len(plan.no_address) > 10 else "") + "." if plan.no_address else ""),
          "success")
    return redirect(url_for("admin.mailings", round_id=round_.id))


@bp.post("/rundor/<int:round_id>/utskick/forsok-igen")
@staff_required()
def mail_retry(round_id: int) -> WerkzeugResponse:
    """Queue failed messages again: one (``mail`` in the form) or all of the round's."""
    round_ = get_round(round_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    mail_id = request.form.get("mail", type=int)
    try:
        mailing_ids = retry_failed(db_session(), round_, actor(), mail_id)
    except MailError as error:
        flash(str(error), "error")
        return redirect(url_for("admin.mailings", round_id=round_.id))
    db.session.commit()
    for mailing_id in mailing_ids:
        jobs().deliver_mailing(mailing_id)
    flash("Meddelandet är köat igen." if mail_id else "De misslyckade meddelandena är köade igen.", "success")
    return redirect(url_for("admin.mailings", round_id=round_.id))


@bp.get("/rundor/<int:round_id>/lankar.<fmt>")
@staff_required()
def merge_list(round_id: int, fmt: str) -> Response:
    round_ = get_round(round_id)
    if fmt not in MERGE_TYPES:
        abort(404)
    rows = merge_rows(db_session(), round_, secret(), current_app.config["BASE_URL"])
    data = merge_csv(rows) if fmt == "csv" else merge_xlsx(rows)
    return download(data, MERGE_TYPES[fmt], file_name("Länkar", round_.name, suffix=f".{fmt}"))
