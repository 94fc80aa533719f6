"""Rendering and reading the respondent form from the questionnaire model (no Flask)."""
