"""`casework letter draft|issue|show|list` and `casework templates check|copy`."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import typer

from casework.cli.common import DbOption, JsonOption, StatesDirOption, clerk_console, print_json
from casework.cli.errors import EXIT_FOUND
from casework.cli.session import AsCode, parse_case_id, parse_number, session

letter_app = typer.Typer(help="文书：起草、出具（编号、归档）、查看。", no_args_is_help=True)
templates_app = typer.Typer(help="文书模板：检查、复制一份供修改。", no_args_is_help=True)

FORMATS = ("html", "pdf", "docx")


def _day(raw: str | None) -> date:
    from casework.settings import TIMEZONE
    from casework.workflow.fields import parse_date

    return parse_date("on", raw) if raw else datetime.now(TIMEZONE).date()


RevealOption = typer.Option(
    False,
    "--reveal",
    help="显示申请人完整的证件号码和电话（须有权限并填写 --purpose；记入办理记录）。",
)
PurposeOption = typer.Option(None, "--purpose", help="查看完整身份信息的目的（与 --reveal 同用）。")


@letter_app.command("draft")
def draft(
    case: str = typer.Argument(..., help="案件编号（复议、诉讼案件出具答复书、答辩状）。"),
    kind: str = typer.Option(
        None, "--kind", help="文书种类，如 reply、correction_notice（默认：最近一个环节的文书）。"
    ),
    fmt: str = typer.Option("html", "--format", help="html、pdf 或 docx。"),
    out: Path = typer.Option(
        None, "--out", help="写入的文件（pdf、docx 必填；html 默认输出到屏幕）。"
    ),
    on: str = typer.Option(None, "--on", help="文书日期（YYYY-MM-DD，默认今天）。"),
    reveal: bool = RevealOption,
    purpose: str = PurposeOption,
    db: str = DbOption,
    as_code: AsCode = None,
) -> None:
    """按案件当前情况起草文书：不编号、不归档、标明“草稿”，供核对或修改措辞后再出具。

    草稿中的证件号码和电话默认打码；--reveal --purpose 记录查看后生成完整草稿。

    示例：casework letter draft 12 --kind reply --format pdf --out 答复书草稿.pdf
    """
    from casework.errors import InvalidInput
    from casework.letters.listing import draft_letter

    if fmt not in FORMATS:
        raise InvalidInput(f"--format 应为 {'、'.join(FORMATS)}，收到 {fmt!r}", field="format")
    if fmt != "html" and out is None:
        raise InvalidInput(f"{fmt} 是二进制文件，请用 --out 指定文件名", field="out")
    case_id = parse_case_id(case)
    with session(db, as_code) as s:
        shown = (purpose or "") if reveal else None
        html = draft_letter(s.engine, case_id, kind, _day(on), actor=s.identity.actor, reveal=shown)
    if fmt == "pdf":
        from casework.letters.pdf import render_pdf

        data = render_pdf(html)
    elif fmt == "docx":
        from casework.letters.docx import html_to_docx

        data = html_to_docx(html)
    else:
        data = html.encode()
    if out is None:
        typer.echo(html)
        return
    out.write_bytes(data)
    typer.echo(f"草稿已写入 {out}")


@letter_app.command("issue")
def issue(
    case: str = typer.Argument(..., help="案件编号。"),
    kind: str = typer.Argument(..., help="文书种类，如 reply、receipt、review_answer。"),
    reason: str = typer.Option(None, "--reason", help="出具或重新出具的原因（记入办理记录）。"),
    on: str = typer.Option(None, "--on", help="文书日期（YYYY-MM-DD，默认今天）。"),
    db: str = DbOption,
    as_code: AsCode = None,
    as_json: bool = JsonOption,
) -> None:
    """出具（或重新出具）一份文书：取新文号、归档，并作为案件的一个办理环节记录。

    内容取自案件中出具该文书的最近一个环节（例如答复书取最近一次答复）。
    示例：casework letter issue 12 reply --reason 原答复书邮寄退回，重新出具
    """
    from casework.identity import check_can_act
    from casework.letters.listing import list_letters

    case_id = parse_case_id(case)
    with session(db, as_code) as s:
        check_can_act(s.identity)
        inputs: dict[str, Any] = {"kind": kind, **({"reason": reason} if reason else {})}
        s.engine.move(case_id, "issue_letter", s.identity.actor, on=_day(on), **inputs)
        letter = list_letters(s.engine, actor=s.identity.actor, case_id=case_id)[-1]
    if as_json:
        print_json(letter.to_dict())
        return
    typer.echo(f"已出具 {letter.title}（{letter.number}），文书编号 {letter.id}")
    for fmt, path in letter.files.items():
        if path:
            typer.echo(f"  {fmt}: {path}")
    if letter.pdf_skipped:
        typer.echo(f"  pdf: 未生成——{letter.pdf_skipped}")
    _pending_line(letter.render_status, letter.render_error)


def _pending_line(status: str, error: str | None) -> None:
    if status != "rendered":
        why = f"上次未能生成：{error}；" if error else ""
        typer.echo(f"  文件尚待生成（文号与正文已记录）：{why}casework letters render 生成。")


@letter_app.command("show")
def show(
    letter: str = typer.Argument(..., help="文书编号（letter list 第一列）。"),
    reveal: bool = RevealOption,
    purpose: str = PurposeOption,
    db: str = DbOption,
    as_code: AsCode = None,
    as_json: bool = JsonOption,
) -> None:
    """显示一份已出具的文书：文号、出具人、归档文件和正文。

    正文中的证件号码和电话默认打码；--reveal 先记录一条“查看申请人完整身份信息”的办理记录
    （须填写 --purpose），再显示完整正文。

    示例：casework letter show 7

    示例：casework letter show 7 --reveal --purpose "核对送达地址"
    """
    from casework.letters.listing import get_letter, plain_text

    letter_id = parse_number(letter, "letter", "文书编号")
    assert letter_id is not None
    with session(db, as_code) as s:
        shown = (purpose or "") if reveal else None
        view, html = get_letter(s.engine, letter_id, actor=s.identity.actor, reveal=shown)
    if as_json:
        print_json({**view.to_dict(), "text": plain_text(html)})
        return
    typer.echo(f"{view.title}  {view.number}")
    typer.echo(
        f"案件 {view.case_id}  出具单位 {view.unit}  日期 {view.issued_on}  出具人 {view.issued_by}"
        f"（{view.move}）"
    )
    for fmt, path in view.files.items():
        typer.echo(f"  {fmt}: {path or '未生成'}")
    if view.pdf_skipped:
        typer.echo(f"  （{view.pdf_skipped}）")
    _pending_line(view.render_status, view.render_error)
    typer.echo("")
    typer.echo(plain_text(html))


@letter_app.command("list")
def list_(
    case: str = typer.Option(None, "--case", help="只看该案件的文书。"),
    unit: str = typer.Option(None, "--unit", help="只看该承办单位案件的文书（单位代码）。"),
    year: int = typer.Option(None, "--year", help="只看该年出具的。"),
    kind: str = typer.Option(None, "--kind", help="只看该种类（如 reply 含各类答复书）。"),
    db: str = DbOption,
    as_code: AsCode = None,
    as_json: bool = JsonOption,
) -> None:
    """列出已出具的文书（按出具顺序）。承办单位人员只看到本单位案件的文书。

    示例：casework letter list --case 12
    """
    from rich.table import Table

    from casework.letters.listing import list_letters

    case_id = parse_case_id(case) if case is not None else None
    with session(db, as_code) as s:
        actor = s.identity.actor
        letters = list_letters(
            s.engine, actor=actor, case_id=case_id, case_unit=unit, year=year, kind=kind
        )
    if as_json:
        print_json([v.to_dict() for v in letters])
        return
    table = Table("编号", "案件", "文书", "文号", "日期", "出具人", title="已出具的文书")
    for v in letters:
        table.add_row(str(v.id), str(v.case_id), v.title, v.number, str(v.issued_on), v.issued_by)
    clerk_console().print(table)
    typer.echo(f"共 {len(letters)} 份。")


@templates_app.command("check")
def check(
    templates_dir: Path = typer.Option(
        None,
        "--templates-dir",
        help="模板目录（默认取 CASEWORK_TEMPLATES_DIR，否则随软件发布的 templates/）。",
    ),
    states: Path = StatesDirOption,
    as_json: bool = JsonOption,
) -> None:
    """用示例案件渲染全部文书模板，检查文号格式与流程中的文书名称，列出所有问题。

    有问题时退出码为 1。修改模板后、交给经办人使用前运行。
    示例：casework templates check --templates-dir ./my-templates
    """
    from casework.cli.common import states_dir
    from casework.letters.checks import check_templates
    from casework.letters.kinds import KINDS
    from casework.letters.pdf import unavailable_reason
    from casework.organisation import load_units
    from casework.settings import Settings
    from casework.workflow.build import build_workflow
    from casework.workflow.loader import load_flows, load_rule_books

    where = states_dir(states)
    folder = templates_dir or Settings.from_env().templates_dir
    wf = build_workflow(where, frozenset(u.code for u in load_units(where)))
    flows = load_flows(where, load_rule_books(where))
    problems = check_templates(where, folder, wf, flows)
    pdf = unavailable_reason()
    if as_json:
        print_json({"ok": not problems, "problems": problems, "pdf_unavailable": pdf})
    else:
        for line in problems:
            typer.echo(line)
        if not problems:
            typer.echo(f"{folder}：全部 {len(KINDS)} 种文书模板检查通过。")
        typer.echo(f"PDF：{pdf}" if pdf else "PDF：可以生成（中文字体与 harfbuzz 子集库已安装）。")
    if problems:
        raise typer.Exit(EXIT_FOUND)


@templates_app.command("copy")
def copy(
    dest: Path = typer.Argument(..., help="新目录（不能已存在）。"),
) -> None:
    """把随软件发布的模板复制到一个新目录，供管理员修改措辞。

    修改后运行 casework templates check --templates-dir 该目录，
    再设置 CASEWORK_TEMPLATES_DIR=该目录 使其生效。
    示例：casework templates copy /srv/casework/templates
    """
    from casework.errors import InvalidInput
    from casework.resources import bundled_dir

    if dest.exists():
        raise InvalidInput(f"{dest} 已存在，不会覆盖", field="dest", rule="never overwrite")
    shutil.copytree(bundled_dir("templates"), dest)
    typer.echo(f"模板已复制到 {dest}；修改后运行 casework templates check --templates-dir {dest}")


def register(root: typer.Typer) -> None:
    """Add this feature's commands to the root command."""
    from casework.cli.letter_files import letters_app

    root.add_typer(letter_app, name="letter")
    root.add_typer(letters_app, name="letters")
    root.add_typer(templates_app, name="templates")
