"""`casework proceedings`: reconsideration and litigation about a reply of the agency."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from casework.cli.common import DbOption, JsonOption, clerk_console, open_engine, print_json
from casework.glossary import choice_labels

if TYPE_CHECKING:
    from casework.domain.roles import Actor
    from casework.engine import Engine

app = typer.Typer(
    help="行政复议与行政诉讼（本机关为被申请人或被告）：立案、期限、决定与判决、错案率。",
    no_args_is_help=True,
)

AsOption = typer.Option(None, "--as", help="管理员代他人办理：人员代码。")
OnOption = typer.Option(None, "--on", help="该环节发生的日期（YYYY-MM-DD，默认今天）。")
CATEGORY = {"upheld": "维持", "corrected": "纠正", "other": "其他"}


def _actor(engine: Engine, as_code: str | None) -> Actor:
    from casework.cli.common import login
    from casework.identity import check_can_act, resolve

    identity = resolve(engine.db, login(), as_code)
    check_can_act(identity)
    return identity.actor


def _inputs(pairs: list[str]) -> dict[str, Any]:
    from casework.errors import InvalidInput

    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(
                f"--input 应写成 名称=值，收到 {pair!r}", field="input", rule="name=value"
            )
        out[key.strip()] = value.strip()
    return out


FLOW_LABELS = {"review": "行政复议", "lawsuit": "行政诉讼"}


def _print(view: Any, as_json: bool) -> None:
    from casework.cli.case_printing import STATUS, due_text, provisional_lines

    if as_json:
        print_json(view.to_dict())
        return
    console = clerk_console()
    console.print(
        f"[bold]{FLOW_LABELS.get(view.flow, view.flow)} {view.id}[/]（针对案件 {view.parent_id}）："
        f"{view.state_label}（{view.state}）  适用：{view.rule_set}"
    )
    for c in view.clocks:
        due = due_text(c.due_on, c.provisional) if c.due_on else c.due_error or "暂停中"
        console.print(f"  {c.label}：{due}（{STATUS.get(c.status, c.status)}）  {c.basis}")
    for line in provisional_lines(c.provisional_basis for c in view.clocks):
        console.print(f"  {line}", soft_wrap=True, markup=False)


@app.command("review")
def review(
    case_id: int = typer.Argument(..., help="被申请复议的依申请公开案件编号。"),
    ground: str = typer.Option(
        ..., "--ground", help="against_reply（不服答复）或 failure_to_reply（逾期未答复）。"
    ),
    body: str = typer.Option(..., "--body", help="复议机关，如 硚口区人民政府。"),
    body_case_number: str = typer.Option(..., "--body-case-number", help="复议机关案号。"),
    procedure: str = typer.Option(
        "ordinary", "--procedure", help="ordinary（普通）或 simplified（简易）。"
    ),
    request: str = typer.Option(..., "--request", help="复议请求。"),
    accepted_on: str = typer.Option(
        None, "--accepted-on", help="复议机关受理日期（起算其决定期限）。"
    ),
    on: str = OnOption,
    as_code: str = AsOption,
    db: str = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """收到行政复议申请书副本：立案并起算书面答复期限（2024年起10个工作日，简易程序5个）。

    示例：casework proceedings review 12 --ground against_reply --body 硚口区人民政府
    --body-case-number 硚政复〔2026〕7号 --request 撤销答复 --on 2026-03-02
    """
    from casework.proceedings import open_review

    engine = open_engine(db)
    inputs: dict[str, Any] = {
        "ground": ground,
        "body": body,
        "body_case_number": body_case_number,
        "procedure": procedure,
        "request": request,
        "accepted_on": accepted_on,
    }
    view = open_review(
        engine,
        case_id,
        _actor(engine, as_code),
        on=on,
        **{k: v for k, v in inputs.items() if v is not None},
    )
    _print(view, as_json)


@app.command("lawsuit")
def lawsuit(
    case_id: int = typer.Argument(..., help="被诉答复所属的依申请公开案件编号。"),
    ground: str = typer.Option(..., "--ground", help="against_reply 或 failure_to_reply。"),
    route: str = typer.Option(
        ..., "--route", help="direct（直接起诉）或 after_review（复议后起诉）。"
    ),
    court: str = typer.Option(..., "--court", help="受理法院。"),
    court_case_number: str = typer.Option(..., "--court-case-number", help="法院案号。"),
    request: str = typer.Option(..., "--request", help="诉讼请求。"),
    review_id: int = typer.Option(None, "--review", help="复议后起诉时，所针对的复议编号。"),
    on: str = OnOption,
    as_code: str = AsOption,
    db: str = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """收到起诉状副本：立案并起算答辩期限（15日，末日为休息日的顺延）。

    示例：casework proceedings lawsuit 12 --ground against_reply --route direct
    --court 武汉市中级人民法院 --court-case-number （2026）鄂01行初88号 --request 撤销答复
    """
    from casework.proceedings import open_lawsuit

    engine = open_engine(db)
    inputs: dict[str, Any] = {
        "ground": ground,
        "route": route,
        "court": court,
        "court_case_number": court_case_number,
        "request": request,
    }
    if review_id is not None:
        inputs["review"] = review_id
    view = open_lawsuit(engine, case_id, _actor(engine, as_code), on=on, **inputs)
    _print(view, as_json)


@app.command("move")
def move(
    proceeding_id: int = typer.Argument(..., help="复议或诉讼编号。"),
    name: str = typer.Argument(
        ...,
        help="环节：answered / decision_extended / decide（复议）；"
        "defended / judged / appealed / final / judged_final（诉讼）。",
    ),
    inputs: list[str] = typer.Option([], "--input", "-i", help="环节所需的输入，名称=值，可重复。"),
    on: str = OnOption,
    as_code: str = AsOption,
    db: str = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """办理复议或诉讼的一个环节。纠正原答复并写明期限（deadline_days、deadline_unit）的
    决定或生效判决，会在同一事务中把原案件退回重新办理。

    示例：casework proceedings move 31 decide -i result=revoked
    -i decision_number=硚政复决〔2026〕7号 -i deadline_days=20 -i deadline_unit=working_days
    --on 2026-04-20
    """
    engine = open_engine(db)
    view = engine.move(proceeding_id, name, _actor(engine, as_code), on=on, **_inputs(inputs))
    _print(view, as_json)


@app.command("list")
def list_(
    case_id: int = typer.Argument(..., help="依申请公开案件编号。"),
    db: str = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """列出针对一个案件的全部复议与诉讼，及其状态和期限。详情用 casework case show 编号。

    示例：casework proceedings list 12
    """
    from casework.cli.common import login
    from casework.identity import resolve

    engine = open_engine(db)
    actor = resolve(engine.db, login()).actor
    engine.case(case_id, actor=actor)  # a unit role lists its own unit's cases only
    views = [engine.case(i, actor=actor) for i in engine.children(case_id)]
    if as_json:
        print_json([v.to_dict() for v in views])
        return
    for v in views:
        _print(v, False)
    if not views:
        typer.echo(f"案件 {case_id} 没有行政复议或行政诉讼。")


@app.command("error-rate")
def error_rate(
    start: str = typer.Option(..., "--from", help="期间起始日（YYYY-MM-DD）。"),
    end: str = typer.Option(..., "--to", help="期间截止日（YYYY-MM-DD）。"),
    unit: str = typer.Option(None, "--unit", help="只统计该单位。"),
    db: str = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """错案率：期间内审结的复议与诉讼中，结果为纠正的比例，分单位与全区，并列出被纠正的案件。

    示例：casework proceedings error-rate --from 2026-01-01 --to 2026-12-31 --unit czj
    """
    from rich.table import Table

    from casework.proceedings import error_rate as compute
    from casework.workflow.fields import parse_date

    report = compute(open_engine(db), parse_date("from", start), parse_date("to", end), unit)
    if as_json:
        print_json(report.to_dict())
        return

    def pct(rate: Any) -> str:
        return "—" if rate.rate is None else f"{rate.rate:.1%}（{rate.corrected}/{rate.decided}）"

    table = Table(
        "范围", "行政复议错案率", "行政诉讼错案率", title=f"错案率 {report.start} 至 {report.end}"
    )
    table.add_row(
        "全区" if unit is None else unit,
        pct(report.district["review"]),
        pct(report.district["lawsuit"]),
    )
    if unit is None:
        for code, rates in report.by_unit.items():
            table.add_row(code, pct(rates["review"]), pct(rates["lawsuit"]))
    console = clerk_console()
    console.print(table)
    results = choice_labels()
    for c in report.corrected:
        result = results.get(f"{c.flow}_result", {}).get(c.result or "", c.result or "")
        console.print(
            f"被纠正：{FLOW_LABELS.get(c.flow, c.flow)} {c.proceeding}（案件 {c.case}，{c.unit}）"
            f"{result} {c.closed_on}"
        )


def register(root: typer.Typer) -> None:
    """Add `casework proceedings` to the root command."""
    root.add_typer(app, name="proceedings")
