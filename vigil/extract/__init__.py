"""Extraction stages: sentences, mentions, actors, events, domains, tone and modality."""
