"""Follow-ups that a save has just made due, for the page without JavaScript.

With JavaScript a follow-up appears as soon as the answer is chosen. Without it, the page
learns of the follow-up only when it is saved; «Spara och gå vidare» must then stay on the
section, show the follow-up, put the focus on it and say why, instead of going on and
leaving a question nobody saw.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from markupsafe import Markup

from survey.questionnaire.model import Field, Questionnaire
from survey.questionnaire.values import Value
from survey.web.forms.page import CompiledSection
from survey.web.forms.widgets import anchor

PARAM = "foljdfraga"


def newly_due(q: Questionnaire, compiled: CompiledSection, before: Mapping[str, Value],
              after: Mapping[str, Value]) -> list[Field]:
    """The section's unanswered fields that apply after the save but did not before it."""
    was = compiled.applicable(q, before)
    now = compiled.applicable(q, after)
    return [f for f in compiled.fields if f.id in now and f.id not in was and f.id not in after]


def from_request(compiled: CompiledSection, wanted: str | None, applicable: Iterable[str],
                 values: Mapping[str, Value]) -> list[Field]:
    """The follow-ups named in the URL that still apply and are still unanswered."""
    ids = set((wanted or "").split(","))
    live = set(applicable)
    return [f for f in compiled.fields if f.id in ids and f.id in live and f.id not in values]


def notice(q: Questionnaire, due: Sequence[Field]) -> str:
    names = [_name(q, f) for f in due]
    what = (f"följdfrågan {names[0]}" if len(names) == 1
            else "följdfrågorna " + ", ".join(names[:-1]) + " och " + names[-1])
    return (f"Ditt svar gör att {what} ska besvaras. Den visas nu på sidan, under frågan den "
            "hör till. Svara och klicka sedan på «Spara och gå vidare» igen."
            if len(names) == 1 else
            f"Ditt svar gör att {what} ska besvaras. De visas nu på sidan, under frågorna de "
            "hör till. Svara och klicka sedan på «Spara och gå vidare» igen.")


def _name(q: Questionnaire, f: Field) -> str:
    item = q.item(f.item_id)
    number = f"fråga {item.number}" if item.number else f"«{item.text}»"
    return f"{number} ({f.label})" if f.row else number


def focus_first(body: Markup, due: Sequence[Field]) -> Markup:
    """The form with ``autofocus`` on the first input of the first follow-up (works without
    JavaScript: the browser moves the focus there when the page loads; a URL fragment would
    stop it, so the redirect carries none)."""
    if not due:
        return body
    target = f' id="{anchor(due[0])}"'
    return Markup(str(body).replace(target, target + " autofocus", 1))
