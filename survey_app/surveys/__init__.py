"""Surveys as data: the definition model, the bundled surveys, and answer validation."""
