"""Evaluation: scoring Vigil against gold files (metrics, event coding, mentions, dates, stories)."""
