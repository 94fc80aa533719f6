"""Signing in and out, the session's timeout warning, changing one's own password."""

from __future__ import annotations

import math
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

# Throttling is by source, never by account alone: a wrong password from elsewhere must not keep
# the real person out. Per account at one address a handful of free guesses, per address enough
# for an office behind one NAT; past them each evaluated attempt waits longer (doubling).
PER_ACCOUNT_AND_ADDRESS = throttle.Backoff(free=5, first_delay=30, max_delay=15 * 60)
PER_ADDRESS = throttle.Backoff(free=50, first_delay=5, max_delay=15 * 60)
FAILED = "Fel e-postadress eller lösenord."


@bp.route("/logga-in", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return render_template("admin/login.html", form=form, errors=errors_of(form))
    email, address = filled(form.email.data).strip().lower(), request.remote_addr or "-"
    keys = _throttle_keys(email, address)
    wait = throttle.reserve(db_session(), keys)
    db.session.commit()  # the attempt is counted before the (slow) password check
    if wait:
        return _throttled(form, wait)
    user = authenticate(db_session(), email, filled(form.password.data))
    if user is None:
        _record_failure(email, address, keys)
        db.session.commit()
        return _login_failed(form, FAILED, 200)
    throttle.clear(db_session(), keys[0][0])
    throttle.release(db_session(), *keys[1])
    session.clear()  # a fresh session (and CSRF token) for the signed-in user
    token, staff_session = start_session(db_session(), user, address, request.user_agent.string)
    record(db_session(), user.email, "login", ip=address)
    db.session.commit()
    login_user(StaffPrincipal(user, staff_session, token))
    return redirect(safe_next(form.next.data))


def _throttle_keys(email: str, address: str) -> list[tuple[str, throttle.Backoff]]:
    return [(f"login:{address}:{email}", PER_ACCOUNT_AND_ADDRESS), (f"login:{address}", PER_ADDRESS)]


def _record_failure(email: str, address: str, keys: list[tuple[str, throttle.Backoff]]) -> None:
    """The failure, and when it starts or lengthens a wait, that too (refused attempts are
    not logged one by one: they change nothing, and an attacker could flood the log)."""
    record(db_session(), email, "login.failed", ip=address)
    for (key, policy), scope in zip(keys, ("account_and_address", "address"), strict=True):
        failures = throttle.attempts(db_session(), key)
        delay = policy.delay(failures)
        if delay:
            record(db_session(), email, "login.throttled", ip=address, scope=scope, failures=failures,
                   wait_seconds=int(delay))


def _throttled(form: LoginForm, wait: int) -> tuple[str, int, dict[str, str]]:
    message = (f"För många misslyckade inloggningar från din dator. Vänta {_duration(wait)} "
               "och försök sedan igen.")
    page, status = _login_failed(form, message, 429)
    return page, status, {"Retry-After": str(wait)}


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} sekund{'er' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minut{'er' if minutes != 1 else ''}"


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

