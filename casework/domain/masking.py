"""Masking applicants' identity numbers and phone numbers in everything a read shows.

The engine's reads mask them (casework/engine/access.py); only a reveal (``case show
--reveal``, ``engine.case(..., reveal=purpose)``: an audited move) shows them whole. Free text
(address, request, event contents) is scanned for runs of 11 or more digits (mobile numbers,
identity numbers) and those are masked too; a landline written into free text is not recognised.
"""

from __future__ import annotations

import re
from typing import Any

PHONE_LENGTH = 11  # a mainland mobile number
_LONG_NUMBER = re.compile(r"\d{11,}[\dXx]?")


def mask(value: str | None, keep_start: int = 4, keep_end: int = 4) -> str | None:
    """``420106199001011234`` → ``4201**********1234``; short values are masked whole."""
    if not value:
        return value
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_phone(value: str | None) -> str | None:
    """``13912345678`` → ``139****5678``."""
    return mask(value, 3, 4)


def mask_text(value: str | None) -> str | None:
    """Free text with every long digit run (a phone or identity number) masked."""
    if not value:
        return value
    return _LONG_NUMBER.sub(lambda m: _number(m.group()), value)


def _number(digits: str) -> str:
    return (mask_phone(digits) if len(digits) == PHONE_LENGTH else mask(digits)) or ""


_FIELD_MASKS = {
    "applicant_id_number": mask,
    "applicant_phone": mask_phone,
    "applicant_contact": mask_text,
    "request": mask_text,
}


def _masked_value(key: str, value: Any) -> Any:
    how = _FIELD_MASKS.get(key)
    if how is not None and isinstance(value, str):
        return how(value)
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [_masked_value(key, v) for v in value]
    return value


def masked(values: dict[str, Any]) -> dict[str, Any]:
    """Case fields or an event's contents, with identity and phone numbers masked."""
    return {k: _masked_value(k, v) for k, v in values.items()}
