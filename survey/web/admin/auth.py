"""Signing in and out, the session's timeout warning, changing one's own password."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response as WerkzeugResponse

from survey import throttle
from survey.db import utcnow
from survey.staff.accounts import authenticate, set_password
from survey.staff.audit import record
from survey.staff.passwords import verify_password
from survey.staff.sessions import end_session, start_session
from survey.web.admin import bp
from survey.web.admin.common import ActionForm, actor, errors_of
from survey.web.admin.forms import LoginForm, PasswordChangeForm, filled
from survey.web.auth import StaffPrincipal, safe_next, session_expiry, staff_required, touch
from survey.web.extensions import db, db_session

# Per address: a handful of guesses per quarter hour; per client address: enough for an
# office behind one NAT, too few for a password spray.
LOGIN_WINDOW = 15 * 60
LOGIN_LIMIT_PER_EMAIL = 5
LOGIN_LIMIT_PER_IP = 50
FAILED = "Fel e-postadress eller lösenord."
THROTTLED = "För många inloggningsförsök. Vänta en kvart och försök sedan igen."


@bp.route("/logga-in", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return render_template("admin/login.html", form=form, errors=errors_of(form))
    email = filled(form.email.data).strip().lower()
    if not _within_limits(email):
        record(db_session(), email, "login.throttled", ip=request.remote_addr)
        db.session.commit()
        return _login_failed(form, THROTTLED, 429)
    user = authenticate(db_session(), email, filled(form.password.data))
    if user is None:
        record(db_session(), email, "login.failed", ip=request.remote_addr)
        db.session.commit()
        return _login_failed(form, FAILED, 200)
    throttle.reset(db_session(), f"login:email:{email}")
    session.clear()  # a fresh session (and CSRF token) for the signed-in user
    token, staff_session = start_session(db_session(), user, request.remote_addr or "",
                                         request.user_agent.string)
    record(db_session(), user.email, "login", ip=request.remote_addr)
    db.session.commit()
    login_user(StaffPrincipal(user, staff_session, token))
    return redirect(safe_next(form.next.data))


def _within_limits(email: str) -> bool:
    by_email = throttle.allow(db_session(), f"login:email:{email}", LOGIN_LIMIT_PER_EMAIL, LOGIN_WINDOW)
    by_ip = throttle.allow(db_session(), f"login:ip:{request.remote_addr}", LOGIN_LIMIT_PER_IP, LOGIN_WINDOW)
    return by_email and by_ip


def _login_failed(form: LoginForm, message: str, status: int) -> tuple[str, int]:
    form.password.data = ""
    return render_template("admin/login.html", form=form, errors=[(form.email.id, message)],
                           failure=message), status


@bp.post("/logga-ut")
@staff_required()
def logout() -> WerkzeugResponse:
    form = ActionForm()
    if form.validate_on_submit():
        end_session(current_user.staff_session, "logout")
        record(db_session(), actor(), "logout")
        db.session.commit()
    logout_user()
    session.clear()
    flash("Du är utloggad.", "success")
    return redirect(url_for("admin.login"))


@bp.get("/session")
@staff_required()
def session_status() -> dict[str, Any]:
    """Seconds left before the idle timeout (asked by the warning; not itself activity)."""
    left = (session_expiry() - utcnow()).total_seconds()
    return {"seconds_left": max(0, int(left)),
            "warning_seconds": int(float(current_app.config["STAFF_IDLE_WARNING_MINUTES"]) * 60)}


@bp.post("/session/forlang")
@staff_required()
def session_extend() -> ResponseReturnValue:
    """«Fortsätt vara inloggad»: counts as activity; JSON for the script, a redirect without."""
    if ActionForm().validate_on_submit():
        touch(current_user.staff_session)
    if request.accept_mimetypes.best == "application/json":
        return session_status()
    return redirect(safe_next(request.form.get("next")))


@bp.route("/konto/losenord", methods=["GET", "POST"])
@staff_required()
def change_password() -> ResponseReturnValue:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user.user
        if not verify_password(user.password_hash, filled(form.current.data)):
            form.current.errors = ["Det nuvarande lösenordet stämmer inte."]
        else:
            # Other browsers are signed out; this one continues.
            set_password(db_session(), user, filled(form.new.data), actor(), keep=current_user.staff_session)
            db.session.commit()
            flash("Lösenordet är ändrat. Dina andra inloggningar har avslutats.", "success")
            return redirect(url_for("admin.index"))
    return render_template("admin/password.html", form=form, errors=errors_of(form),
                           crumbs=[("Omgångar", url_for("admin.index"))])

