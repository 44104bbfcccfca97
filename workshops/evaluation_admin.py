"""Evaluation reports and exports in the admin (evaluation issue)."""
