"""The questionnaire core: definition model, loader, conditions and routing. No Flask here."""

from survey.questionnaire.loader import check_paths, load_folder, load_questionnaire
from survey.questionnaire.model import Choice, Field, Item, ItemType, Questionnaire, Role, Section
from survey.questionnaire.routing import (
    applicable_ids,
    effective_answers,
    inapplicable_answered,
    missing_required,
)
from survey.questionnaire.yamlsource import Problem, QuestionnaireError

__all__ = [
    "Choice", "Field", "Item", "ItemType", "Problem", "Questionnaire", "QuestionnaireError",
    "Role", "Section", "applicable_ids", "check_paths", "effective_answers",
    "inapplicable_answered", "load_folder", "load_questionnaire", "missing_required",
]
