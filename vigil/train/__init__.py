"""Training data and model fitting for Vigil's coders."""
