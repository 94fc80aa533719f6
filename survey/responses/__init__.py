"""Responses: the one write path for answers, submission, reopening, and answer files in and out."""
