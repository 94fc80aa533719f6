"""Staff pages: /admin/… (login required except the login page itself).

One module per concept: ``auth`` (sign in and out, the session), ``rounds``, ``progress``,
``members`` (one organisation in a round: deadline, link, response, history), ``entry``
(answers entered on an organisation's behalf), ``mailings``, ``contacts``, ``users``.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")


from survey.web.admin import (  # noqa: E402, F401, I001  (the modules register their routes)
    auth, rounds, progress, members, entry, mailings, contacts, users, common, questionnaires,
)
