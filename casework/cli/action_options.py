"""What an entry of the ``ACTIONS`` table (actions.py) is made of: the command (``Action``), its
options (``Opt``), and the choices an option offers in its help and in shell completion."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

SHORT_HELP = 40  # characters of a command's line in `casework --help`


@dataclass(frozen=True)
class Opt:
    """An input of the move, offered as ``--name-with-dashes``."""

    name: str
    help: str
    required: bool = False
    complete: Callable[[], list[tuple[str, str]]] | None = None
    metavar: str = "TEXT"

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


CONSULTATION = Opt(
    "consultation",
    "征求意见的编号（按发出顺序 1、2、……；只有一个未结时可省略）。",
    metavar="N",
)


@dataclass(frozen=True)
class Action:
    path: tuple[str, ...]  # ("correction", "request") is `casework correction request`
    move: str
    help: str
    example: str
    options: tuple[Opt, ...] = ()

    @property
    def command(self) -> str:
        return " ".join(self.path)

    @property
    def short_help(self) -> str:
        """The first sentence of the help, for the list of commands."""
        first = self.help.split("。")[0]
        return first if len(first) <= SHORT_HELP else first[: SHORT_HELP - 1] + "…"


# ---------------------------------------------------------------- choices (help and completion)


def _pairs(choices: dict[str, str]) -> Callable[[], list[tuple[str, str]]]:
    return lambda: list(choices.items())


def _listing(choices: dict[str, str]) -> str:
    return "、".join(f"{code} {text}" for code, text in choices.items())


def channel_choices() -> list[tuple[str, str]]:
    from casework.settings import Settings
    from casework.workflow.loader import load_rule_books

    book = load_rule_books(Settings.from_env().states_dir)["application"]
    return [(c, spec.label) for c, spec in book.rule_sets[-1].channels.items()]


def unit_choices() -> list[tuple[str, str]]:
    from casework.organisation import load_units
    from casework.settings import Settings

    return [(u.code, u.name) for u in load_units(Settings.from_env().states_dir)]


def _vocabulary() -> dict[str, dict[str, str]]:
    from casework.domain.fees import BASES as FEE_BASES
    from casework.domain.outcomes import OUTCOMES, REPLY_OUTCOMES
    from casework.domain.vocabulary import (
        APPLICANT_KINDS,
        CLOCK_UNITS,
        DELIVERY_METHODS,
        PARTY_KINDS,
    )

    return {
        "applicant_kind": APPLICANT_KINDS,
        "party": PARTY_KINDS,
        "outcome": {code: OUTCOMES[code].label for code in REPLY_OUTCOMES},
        "withheld_ground": {
            code: OUTCOMES[code].label
            for code in REPLY_OUTCOMES
            if OUTCOMES[code].family == "withheld"
        },
        "method": DELIVERY_METHODS,
        "deadline_unit": CLOCK_UNITS,
        "basis": {code: f"{label}（{article}）" for code, (label, article) in FEE_BASES.items()},
    }


VOCABULARY = _vocabulary()
CHANNEL_HELP = (
    "申请渠道（决定收到申请之日，《条例》第三十一条）：window 当面提交、registered_mail 邮寄"
    "（需签收）、ordinary_mail 平常信函、online 互联网渠道（政府服务平台，须经总值班室转办）、"
    "fax 传真、email 电子邮件。"
)


def choice_option(name: str, what: str, required: bool = True) -> Opt:
    choices = VOCABULARY[name]
    return Opt(name, f"{what}：{_listing(choices)}。", required, _pairs(choices), "CODE")


UNIT = Opt(
    "unit", "承办单位代码（见 states/organisation.toml），如 czj（区财政局）。", True, unit_choices
)
HANDLER = Opt("handler", "承办人姓名（worklist --mine 按它查找）。")
NOTE = Opt("note", "备注。")
