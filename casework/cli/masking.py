"""Masking applicants' identity numbers and phone numbers in everything a list or log shows."""

from __future__ import annotations


def mask(value: str | None, keep_start: int = 4, keep_end: int = 4) -> str | None:
    """``420106199001011234`` → ``4201**********1234``; short values are masked whole."""
    if not value:
        return value
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_phone(value: str | None) -> str | None:
    return mask(value, 3, 4)
