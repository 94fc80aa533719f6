"""Demo data for trying the engine locally: two open rounds and an admin. Idempotent."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.db import Round
from survey.demo.data_2024 import ensure_demo_reflection
from survey.rounds.lifecycle import Link, create_round, latest_version, organisations_for, round_links
from survey.staff.accounts import create_staff_user, find_staff

DEMO_ADMIN_EMAIL = "admin@example.se"
DEMO_ADMIN_PASSWORD = "demo-losenord-2025"
DEMO_ROUNDS = (
    ("regioner-2025", "region", "Demo: Uppföljning av regionernas patientsäkerhetsarbete"),
    ("kommuner-2025", "kommun", "Demo: Uppföljning av kommunernas patientsäkerhetsarbete"),
)


def ensure_demo(session: Session, today: date, secret: str, base_url: str) -> list[tuple[str, list[Link]]]:
    """The demo rounds, their links and an admin account; ``secret`` is the app's key."""
    if find_staff(session, DEMO_ADMIN_EMAIL) is None:
        create_staff_user(session, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, "admin", "Demo-admin")
    _demo_contacts(session)
    summary = []
    for questionnaire_id, kind, name in DEMO_ROUNDS:
        round_ = session.scalar(select(Round).where(Round.name == name))
        if round_ is None:
            version = latest_version(session, questionnaire_id)
            round_ = create_round(session, version, organisations_for(session, kind),
                                  today - timedelta(days=1), today + timedelta(days=26), name, secret=secret)
            round_.state = "open"
        links = round_links(round_, secret, base_url)
        summary.append((f"{name} (omgång {round_.id}):", links))
    summary.append(_demo_2025(session, secret, base_url))
    summary.append(ensure_demo_reflection(session, secret, base_url))
    session.flush()
    return summary


def _demo_contacts(session: Session) -> None:
    """Placeholder registrar addresses (example.se never delivers) so invitations can be tried."""
    from survey.db import Organisation
    from survey.mail.contacts import contacts_by_org, save_contact

    known = contacts_by_org(session)
    for org in session.scalars(select(Organisation)):
        if org.id not in known:
            save_contact(session, org, f"registrator.{org.code}@example.se", "", "", "demo")


def _demo_2025(session: Session, secret: str, base_url: str) -> tuple[str, list[Link]]:
    """The closed, frozen 2025 round with fictional answers that give the published figures."""
    from survey.demo.data_2025 import ensure_demo_2025

    round_ = ensure_demo_2025(session, secret)
    url = f"{base_url}/admin/resultat/{round_.id}"
    return (f"{round_.name} (omgång {round_.id}, stängd och fryst):",
            [Link("", "Resultat och Excelfil", "region", "", url)])
