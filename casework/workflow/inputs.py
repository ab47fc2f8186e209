"""A move's inputs, checked before anything changes: declared, required, parsed by their type,
printable, and no longer than their case column; and the number of the open clock an input
names, filled in when only one is open. Pure, like apply.py, which calls them from ``prepare``.
"""

from __future__ import annotations

from typing import Any

from casework.domain.case import CaseSnapshot
from casework.errors import InvalidInput
from casework.workflow.definition import MoveDef
from casework.workflow.fields import PARSERS, Vocab


def parse_inputs(
    move: MoveDef, raw: dict[str, Any], vocab: Vocab, case_id: int | None
) -> dict[str, Any]:
    unknown = sorted(set(raw) - set(move.inputs))
    if unknown:
        raise InvalidInput(
            f"动作 {move.name} 不接受输入 {'、'.join(unknown)}；可用：{'、'.join(move.inputs)}",
            field=unknown[0],
            move=move.name,
            case=case_id,
            rule="declared inputs of the move",
        )
    params: dict[str, Any] = {}
    for name, ftype in move.inputs.items():
        value = raw.get(name)
        if value is None or value == "":
            if name in move.fields:
                raise InvalidInput(
                    f"动作 {move.name} 缺少必填项 {name}",
                    field=name,
                    move=move.name,
                    case=case_id,
                    rule="required input",
                )
            continue
        try:
            _check_characters(name, value)
            params[name] = PARSERS[ftype](name, value, vocab)
            _check_length(name, params[name])
        except TypeError:  # e.g. a list or a dict where a name was expected: unhashable
            raise InvalidInput(
                f"{name}：类型不对，收到 {type(value).__name__} {value!r}",
                field=name,
                move=move.name,
                case=case_id,
                rule=f"input of type {ftype}",
            ) from None
        except InvalidInput as err:
            err.move, err.case = move.name, case_id
            raise
    return params


# Inputs stored in case columns of a fixed width (store/tables.py): longer is refused here, the
# same on SQLite (which would store it) and PostgreSQL (which would raise DataError).
COLUMN_LIMITS = {
    "applicant_name": 200,
    "applicant_id_number": 64,
    "applicant_phone": 64,
    "applicant_contact": 400,
    "handler": 50,
}


def _check_characters(name: str, value: Any) -> None:
    """No NUL, no lone surrogate (not encodable), no control character but newline and tab."""
    texts = value if isinstance(value, list | tuple) else [value]
    for text in texts:
        if isinstance(text, str) and any(
            (ord(c) < 32 and c not in "\n\t") or 0xD800 <= ord(c) <= 0xDFFF or c == "\x7f"
            for c in text
        ):
            raise InvalidInput(
                f"{name}：含有不允许的字符（控制字符、NUL 或无法编码的代理字符）",
                field=name,
                rule="printable text",
            )


def _check_length(name: str, value: Any) -> None:
    limit = COLUMN_LIMITS.get(name)
    if limit is not None and isinstance(value, str) and len(value) > limit:
        raise InvalidInput(
            f"{name}：超过 {limit} 字（{len(value)} 字）", field=name, rule="text length"
        )


def name_the_clock(
    move: MoveDef, case: CaseSnapshot, params: dict[str, Any], case_id: int | None
) -> None:
    """Fill in the number of the clock a ``which`` op acts on when only one of its kind is
    open, so that the event always names it; refuse when several are open and none is named."""
    for op in move.clocks:
        name = op.which.removeprefix("$") if op.which is not None else None
        if name is None or params.get(name) is not None:
            continue
        numbers = [
            n
            for n, c in enumerate((c for c in case.clocks if c.kind == op.clock), start=1)
            if c.is_open
        ]
        if len(numbers) == 1:
            params[name] = numbers[0]
        elif numbers:
            raise InvalidInput(
                f"动作 {move.name} 须指明 {name}：有 {len(numbers)} 个未结的{op.clock}，"
                f"编号 {'、'.join(map(str, numbers))}",
                field=name,
                move=move.name,
                case=case_id,
                state=case.state,
                rule="each answer names the consultation it closes",
            )
