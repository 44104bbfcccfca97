"""Evaluation models (imported by workshops/models.py; evaluation issue)."""
