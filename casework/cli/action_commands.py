"""Every move of the application flow as a command: parse, call the engine once, print.

The commands are built from the table ``ACTIONS`` (actions.py): the move's inputs become options
(``--party-name`` is the input ``party_name`` of states/application.toml). Each command checks
who is acting, makes one ``engine.register`` or ``engine.move`` and prints the case after the
move (``--json``: the ``case`` schema).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any

import typer

from casework.cli.action_options import Action, Opt
from casework.cli.actions import ACTIONS, GROUPS
from casework.cli.common import DbOption, JsonOption
from casework.cli.session import AsCode
from casework.cli.usage import ChineseCommand, ChineseGroup


def _run(action: Action, values: dict[str, Any]) -> None:
    from casework.cli.case_printing import Labels, case_json, print_case
    from casework.cli.common import print_json
    from casework.cli.session import parse_case_id, parse_number, session
    from casework.identity import check_can_act

    case = values.pop("case", None)
    case_id = parse_case_id(case) if case is not None else None
    expected = parse_number(values.pop("expect_version", None), "expect_version", "版本号")
    on, db, as_code = values.pop("on"), values.pop("db"), values.pop("as_code")
    as_json = values.pop("as_json")
    inputs = {k: v for k, v in values.items() if v is not None}
    from casework.engine.access import can_read, masked_view

    with session(db, as_code) as s:
        check_can_act(s.identity)
        engine, actor = s.engine, s.identity.actor
        if case_id is None:
            view = engine.register(actor, on=on, **inputs)
        else:
            view = engine.move(
                case_id, action.move, actor, on=on, expected_version=expected, **inputs
            )
        if can_read(actor, view.fields.get("unit")):
            view = engine.case(view.id, actor=actor)
        else:  # handed to another unit (transfer): what the move did, without the timeline
            view = masked_view(view)
        data = case_json(view.to_dict())
        if as_json:
            print_json(data)
            return
        labels = Labels(engine)
        typer.echo(f"已办理：{labels.move(view.flow, action.move)}（案件 {view.id}）")
        print_case(data, labels, timeline=False)


def _option(opt: Opt) -> Any:
    complete = opt.complete
    help_text = f"{opt.help}{'（必填）' if opt.required else ''}"
    return Annotated[
        str | None,
        typer.Option(
            opt.flag,
            metavar=opt.metavar,
            help=help_text,
            autocompletion=(lambda incomplete: _matches(complete(), incomplete))
            if complete
            else None,
        ),
    ]


def _matches(pairs: list[tuple[str, str]], incomplete: str) -> list[tuple[str, str]]:
    return [(code, text) for code, text in pairs if code.startswith(incomplete)]


def _parameters(action: Action) -> list[inspect.Parameter]:
    kw = inspect.Parameter.KEYWORD_ONLY
    params = []
    if action.move != "register":
        case = Annotated[str, typer.Argument(metavar="CASE", help="案件编号。")]
        params.append(inspect.Parameter("case", kw, annotation=case))
    params += [
        inspect.Parameter(o.name, kw, default=None, annotation=_option(o)) for o in action.options
    ]
    on_help = (
        "收到申请之日 YYYY-MM-DD（默认今天）。"
        if action.move == "register"
        else "办理日期 YYYY-MM-DD（默认今天；不能晚于今天，也不能早于本案上一环节）。"
    )
    on = Annotated[str | None, typer.Option("--on", metavar="DATE", help=on_help)]
    params.append(inspect.Parameter("on", kw, default=None, annotation=on))
    if action.move != "register":
        version = Annotated[
            str | None,
            typer.Option(
                "--expect-version",
                metavar="N",
                help="只在案件仍是第 N 版时办理（防止覆盖他人刚做的更新）。",
            ),
        ]
        params.append(inspect.Parameter("expect_version", kw, default=None, annotation=version))
    params += [
        inspect.Parameter("as_code", kw, default=None, annotation=AsCode),
        inspect.Parameter("db", kw, default=DbOption, annotation=str | None),
        inspect.Parameter("as_json", kw, default=JsonOption, annotation=bool),
    ]
    return params


def _build(action: Action) -> Callable[..., None]:
    def command(**values: Any) -> None:
        _run(action, values)

    params = _parameters(action)
    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]  # typer reads the signature inspect finds here
    command.__annotations__ = {p.name: p.annotation for p in params}
    command.__name__ = action.move
    command.__doc__ = f"{action.help}\n\n示例：{action.example}"
    return command


def _add_moves(root: typer.Typer) -> None:
    groups: dict[str, typer.Typer] = {}
    for name, help_text in GROUPS.items():
        groups[name] = typer.Typer(cls=ChineseGroup, help=help_text, no_args_is_help=True)
        root.add_typer(groups[name], name=name)
    for action in ACTIONS:
        parent = groups[action.path[0]] if len(action.path) == 2 else root
        parent.command(action.path[-1], cls=ChineseCommand, short_help=action.short_help)(
            _build(action)
        )


def register(root: typer.Typer) -> None:
    """Add the clerk's commands: every move, ``import``, ``find`` and ``schema``."""
    from casework.cli import cases, intake, schemas

    _add_moves(root)
    root.command("import", cls=ChineseCommand)(intake.import_file)
    root.command("find", cls=ChineseCommand)(cases.find)
    root.command("schema", cls=ChineseCommand)(schemas.schema)
