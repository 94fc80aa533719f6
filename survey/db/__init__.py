"""Database tables of the survey engine, as typed SQLAlchemy 2 models, split by concern.

No Flask here: the CLI, the migrations and the tests use the models without an app. The
invariants that must hold whatever code writes the data (one response per organisation and
round, one row per answer id, ``submitted_at`` set exactly when submitted, an append-only
answer history) are constraints in the schema, mirrored by ``survey/db/migrations``.
Importing this package registers every table on ``Base.metadata``.
"""

from survey.db.base import (
    HISTORY_SOURCES,
    NAMING_CONVENTION,
    ORGANISATION_KINDS,
    RESPONSE_STATUSES,
    ROUND_STATES,
    STAFF_ROLES,
    Base,
    Timestamp,
    utcnow,
)
from survey.db.catalog import Organisation, QuestionnaireVersion
from survey.db.jobs import IMPORT_STATUSES, ImportJob
from survey.db.mail import MAIL_KINDS, MAIL_STATUSES, Mailing, MailTemplate, OrganisationContact, SentMail
from survey.db.reflection import Quote, ReflectionNote, ReflectionPublication, Theme, ThemeAssignment
from survey.db.responses import Answer, AnswerHistory, Response
from survey.db.results import ResultSnapshot
from survey.db.rounds import AccessLink, Respondent, RespondentSession, Round, RoundOrganisation
from survey.db.staff import SESSION_END_REASONS, AuditEvent, StaffSession, StaffUser, ThrottleState

__all__ = [
    "HISTORY_SOURCES", "IMPORT_STATUSES", "ImportJob", "MAIL_KINDS", "MAIL_STATUSES", "Mailing",
    "NAMING_CONVENTION", "ORGANISATION_KINDS", "RESPONSE_STATUSES", "ROUND_STATES",
    "SESSION_END_REASONS", "STAFF_ROLES", "AccessLink", "Answer", "AnswerHistory", "AuditEvent", "Base",
    "MailTemplate", "Organisation", "OrganisationContact", "QuestionnaireVersion", "Quote", "ReflectionNote",
    "ReflectionPublication", "Respondent", "RespondentSession", "Response", "ResultSnapshot", "Round",
    "RoundOrganisation", "SentMail",
    "StaffSession", "StaffUser", "Theme", "ThemeAssignment", "ThrottleState", "Timestamp", "utcnow",
]
