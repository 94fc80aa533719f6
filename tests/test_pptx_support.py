"""The deck tests' invented data is itself a valid round."""

from __future__ import annotations

from survey.questionnaire.routing import inapplicable_answered
from tests.pptx_helpers import invented


def test_invented_answers_follow_the_routing() -> None:
    """The helpers' invented data is a valid round: no answer off its route, every n consistent."""
    data = invented()
    assert all(not inapplicable_answered(data.q, r.answers) for r in data.responses)
    assert data.results.submitted == data.results.population == 21
    assert data.results["q01a"].applicable == sum(data.results["q01"].counts[c] for c in ("ja", "nej_beslut"))
