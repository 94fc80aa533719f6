"""Rounds: a questionnaire version sent to organisations between two dates, their links and progress."""
