"""Flows as data: TOML definitions, their validation, and the shared `transitions` machines."""
