"""Evaluation: metrics and cross-validation."""
