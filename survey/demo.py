"""Demo data for trying the engine locally: two open rounds and an admin. Idempotent."""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Round
from survey.rounds import Link, create_round, latest_version, organisations_for, round_links
from survey.staff import create_staff_user, find_staff

DEMO_ADMIN_EMAIL = "admin@example.se"
DEMO_ADMIN_PASSWORD = "demo-losenord-2025"
DEMO_ROUNDS = (
    ("regioner-2025", "region", "Demo: Uppföljning av regionernas patientsäkerhetsarbete"),
    ("kommuner-2025", "kommun", "Demo: Uppföljning av kommunernas patientsäkerhetsarbete"),
)


def ensure_demo(session: Session, today: date) -> list[tuple[str, list[Link]]]:
    if find_staff(session, DEMO_ADMIN_EMAIL) is None:
        create_staff_user(session, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, "admin", "Demo-admin")
    _demo_contacts(session)
    summary = []
    for questionnaire_id, kind, name in DEMO_ROUNDS:
        round_ = session.scalar(select(Round).where(Round.name == name))
        if round_ is None:
            version = latest_version(session, questionnaire_id)
            round_ = create_round(session, version, organisations_for(session, kind),
                                  today - timedelta(days=1), today + timedelta(days=26), name)
            round_.state = "open"
        links = round_links(round_, current_app.config["SECRET_KEY"], current_app.config["BASE_URL"])
        summary.append((f"{name} (runda {round_.id}):", links))
    summary.append(_demo_2025(session))
    summary.append(_demo_reflection(session))
    session.flush()
    return summary


def _demo_contacts(session: Session) -> None:
    """Placeholder registrar addresses (example.se never delivers) so invitations can be tried."""
    from survey.mail import contacts_by_org, save_contact
    from survey.models import Organisation

    known = contacts_by_org(session)
    for org in session.scalars(select(Organisation)):
        if org.id not in known:
            save_contact(session, org, f"registrator.{org.code}@example.se", "", "", "demo")


def _demo_2025(session: Session) -> tuple[str, list[Link]]:
    """The closed, frozen 2025 round with fictional answers that give the published figures."""
    from survey.demo_2025 import ensure_demo_2025

    round_ = ensure_demo_2025(session)
    url = f"{current_app.config['BASE_URL']}/admin/resultat/{round_.id}"
    return (f"{round_.name} (runda {round_.id}, stängd och fryst):",
            [Link("", "Resultat och Excelfil", "region", "", url)])


def _demo_reflection(session: Session) -> tuple[str, list[Link]]:
    """A fictional 2024 round; the 2025 round published with themes; a region's reflection link."""
    from survey.demo_2024 import ensure_demo_reflection

    return ensure_demo_reflection(session, current_app.config["SECRET_KEY"], current_app.config["BASE_URL"])
