"""Staff accounts (administrators only): create, change role, disable, reset, end sessions."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from survey.db import StaffSession, StaffUser
from survey.staff.accounts import (
    ROLE_LABELS,
    StaffError,
    all_staff,
    create_staff_user,
    set_active,
    set_password,
    set_role,
)
from survey.staff.audit import record
from survey.staff.sessions import end_session, end_user_sessions, open_sessions
from survey.web.admin import bp
from survey.web.admin.common import ActionForm, actor, errors_of
from survey.web.admin.forms import NewPasswordForm, UserEditForm, UserForm, filled
from survey.web.auth import staff_required, timeouts
from survey.web.extensions import db, db_session


def _crumbs() -> list[tuple[str, str]]:
    return [("Användare", url_for("admin.users"))]


@bp.get("/anvandare")
@staff_required("admin")
def users() -> str:
    sessions = open_sessions(db_session(), timeouts())
    return render_template("admin/users.html", users=all_staff(db_session()), sessions=sessions,
                           role_labels=ROLE_LABELS, action=ActionForm())


@bp.route("/anvandare/ny", methods=["GET", "POST"])
@staff_required("admin")
def user_new() -> ResponseReturnValue:
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = create_staff_user(db_session(), filled(form.email.data), filled(form.password.data),
                                     form.role.data, filled(form.name.data).strip())
        except StaffError as error:
            form.email.errors = [_swedish(str(error))]
        else:
            record(db_session(), actor(), "user.create", user=user.email, role=user.role)
            db.session.commit()
            flash(f"Kontot för {user.email} är skapat. Lämna över det tillfälliga lösenordet på ett säkert sätt.",
                  "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_new.html", form=form, errors=errors_of(form), crumbs=_crumbs())


def _swedish(message: str) -> str:
    return "Det finns redan ett konto med den adressen." if "already exists" in message else message


@bp.route("/anvandare/<int:user_id>", methods=["GET", "POST"])
@staff_required("admin")
def user_edit(user_id: int) -> ResponseReturnValue:
    user = db.get_or_404(StaffUser, user_id)
    form = UserEditForm(obj=user)
    if form.validate_on_submit():
        try:
            set_role(db_session(), user, form.role.data, actor())
            if form.active.data != user.active:
                set_active(db_session(), user, form.active.data, actor())
        except StaffError as error:
            db.session.rollback()
            form.role.errors = ["Det måste finnas minst en aktiv administratör." if "last" in str(error)
                                else str(error)]
        else:
            name = filled(form.name.data).strip()
            if name != user.name:
                record(db_session(), actor(), "user.name", user=user.email, new=name)
                user.name = name
            db.session.commit()
            flash(f"Kontot för {user.email} är sparat.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_edit.html", user=user, form=form, errors=errors_of(form),
                           password_form=NewPasswordForm(formdata=None), action=ActionForm(),
                           crumbs=_crumbs())


@bp.post("/anvandare/<int:user_id>/losenord")
@staff_required("admin")
def user_password(user_id: int) -> ResponseReturnValue:
    user = db.get_or_404(StaffUser, user_id)
    form = NewPasswordForm()
    if form.validate_on_submit():
        set_password(db_session(), user, filled(form.password.data), actor())
        db.session.commit()
        flash(f"Nytt lösenord för {user.email}; alla dess inloggningar är avslutade.", "success")
        return redirect(url_for("admin.users"))
    flash(" ".join(message for _, message in errors_of(form)) or "Lösenordet sparades inte.", "error")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.post("/anvandare/<int:user_id>/avsluta-sessioner")
@staff_required("admin")
def user_end_sessions(user_id: int) -> WerkzeugResponse:
    user = db.get_or_404(StaffUser, user_id)
    if ActionForm().validate_on_submit():
        keep = current_user.staff_session if user.id == current_user.user.id else None
        ended = end_user_sessions(db_session(), user, "admin", keep)
        record(db_session(), actor(), "user.end_sessions", user=user.email, sessions=ended)
        db.session.commit()
        flash(f"{ended} inloggningar för {user.email} är avslutade.", "success")
    return redirect(url_for("admin.users"))


@bp.post("/sessioner/<int:session_id>/avsluta")
@staff_required("admin")
def session_end(session_id: int) -> WerkzeugResponse:
    staff_session = db.get_or_404(StaffSession, session_id)
    if ActionForm().validate_on_submit():
        end_session(staff_session, "admin")
        record(db_session(), actor(), "user.end_sessions", user=staff_session.user.email, sessions=1)
        db.session.commit()
        flash(f"Inloggningen för {staff_session.user.email} är avslutad.", "success")
    return redirect(url_for("admin.users"))
