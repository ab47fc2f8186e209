"""Commands of the organisation directory: ``casework directory show / check / load`` and
``casework units``. The directory says whom the nightly escalation notifies (escalation.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from casework.cli.common import (
    DbOption,
    JsonOption,
    StatesDirOption,
    clerk_console,
    office_now,
    open_engine,
    print_json,
)
from casework.cli.errors import EXIT_FOUND

if TYPE_CHECKING:
    from sqlalchemy import Engine as DbEngine

directory_app = typer.Typer(help="组织名录：单位、人员、战线与督办路线。", no_args_is_help=True)


def _route_text(d: Any, code: str) -> str:
    from casework.escalation import describe_route

    return describe_route(d, code)


@directory_app.command("show")
def directory_show(
    db: str = DbOption, states: Path = StatesDirOption, as_json: bool = JsonOption
) -> None:
    """显示生效中的组织名录：各单位的督办路线、战线、职位与人员。

    示例：casework directory show --db casework.db
    """
    from dataclasses import asdict

    from rich.table import Table

    from casework.domain.roles import ROLES
    from casework.organisation import POSITIONS, directory_in_force

    engine = open_engine(db, states)
    d = directory_in_force(engine.db, engine.settings.states_dir)
    if as_json:
        print_json(
            {
                "source": d.source,
                "units": {c: {**asdict(u), "route": _route_text(d, c)} for c, u in d.units.items()},
                "lines": {c: asdict(ln) for c, ln in d.lines.items()},
                "vice_heads": {c: asdict(v) for c, v in d.vice_heads.items()},
                "people": {c: asdict(p) for c, p in d.people.items()},
                "offices": {c: asdict(o) for c, o in d.offices.items()},
                "positions": d.positions,
            }
        )
        return
    console = clerk_console()
    console.print(f"名录来源：{d.source}")
    units = Table("代码", "单位", "类别", "序号", "联系", "督办路线", title="主体单位")
    for u in d.units.values():
        units.add_row(
            u.code,
            u.name,
            u.group,
            u.seed_number or "—",
            u.contact.email or u.contact.channel,
            _route_text(d, u.code),
        )
    console.print(units)
    lines = Table("战线", "分管副区长", "战线副主任", "单位", title="战线")
    for ln in d.lines.values():
        head = d.vice_heads[ln.vice_head]
        codes = [c for c, r in d.routes.items() if r.line == ln.code]
        lines.add_row(
            ln.code,
            f"{head.name}{head.title}",
            d.people[ln.deputy].name,
            "、".join(codes),
        )
    console.print(lines)
    posts = Table("职位", "担任", "联系", title="职位")
    for name, label in POSITIONS.items():
        who = d.position(name)
        posts.add_row(label, who.name, who.address)
    console.print(posts)
    people = Table("代码", "姓名", "角色", "单位或机构", "职务", title="人员（CASEWORK_USER）")
    for person in d.people.values():
        people.add_row(
            person.code,
            person.name + ("（示例）" if person.sample else ""),
            ROLES[person.role].label if person.role in ROLES else person.role,
            person.unit or person.office or "—",
            person.title,
        )
    console.print(people)
    if any(person.sample for person in d.people.values()):
        console.print("标“示例”的人员来自 states/sample_staff.toml，不是真实人员，仅供试用。")


def _migrated(db: str | None) -> DbEngine | None:
    """The database if it exists and is migrated, else None (nothing is created)."""
    from casework.bootstrap import migrated_database
    from casework.cli.common import db_url

    return migrated_database(db_url(db))


def units(db: str = DbOption, states: Path = StatesDirOption, as_json: bool = JsonOption) -> None:
    """列出主体单位及其代码（--unit、导入文件的“承办单位”列用代码或名称）。

    数据库已初始化时列出生效中的名录（最近一次 casework directory load），否则列出
    states/organisation.toml 中的单位。

    示例：casework units --json
    """
    from rich.table import Table

    from casework.cli.common import states_dir
    from casework.organisation import directory_in_force, load_directory

    folder = states_dir(states)
    engine = _migrated(db)
    try:
        d = directory_in_force(engine, folder) if engine else load_directory(folder)
    finally:
        if engine is not None:
            engine.dispose()
    groups = {"key": "重点部门", "related": "相关部门", "street": "街道办事处", "zone": "开发区"}
    rows: list[dict[str, Any]] = [
        {"code": u.code, "name": u.name, "group": u.group, "seed_number": u.seed_number}
        for u in d.units.values()
    ]
    if as_json:
        print_json({"source": d.source, "count": len(rows), "units": rows})
        return
    table = Table("代码", "单位", "类别", "通知序号", title="主体单位")
    for r in rows:
        table.add_row(
            r["code"], r["name"], groups.get(r["group"], r["group"]), r["seed_number"] or "—"
        )
    clerk_console().print(table)
    typer.echo(f"共 {len(rows)} 个单位（{d.source}）。")


@directory_app.command("check")
def directory_check(
    file: Path = typer.Argument(None, help="要检查的名录文件（默认：生效中的名录与督办阶梯）。"),
    db: str = DbOption,
    states: Path = StatesDirOption,
    as_json: bool = JsonOption,
) -> None:
    """检查组织名录、督办阶梯、通知模板与邮件设置；有问题时逐条列出并以 1 退出。

    检查文件不需要数据库：数据库尚未初始化时检查 states 目录中的名录、督办阶梯与通知模板，
    并说明哪些检查（生效中的名录、案件单位的督办路线）要在 casework db upgrade 之后才能做。

    示例：casework directory check  ；  casework directory check 新名录.toml
    """
    from casework.cli.common import states_dir
    from casework.errors import CaseworkError
    from casework.escalation import check_all, check_files
    from casework.notify import NotifySettings
    from casework.organisation import (
        check_directory_text,
        directory_in_force,
        directory_path,
        load_directory,
    )
    from casework.settings import Settings, environment

    notes: list[str] = []
    if file is not None:
        path = directory_path(file)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:  # GBK, UTF-16, a binary file: one line, exit 2
            from casework.errors import DefinitionError

            raise DefinitionError(
                "文件不是 UTF-8 编码的 TOML", path=str(path), field="toml"
            ) from None
        except OSError as err:
            problems = [f"{path}: 无法读取：{err}"]
            d = None
        else:
            d, problems = check_directory_text(text, str(path))
    else:
        db_engine, folder = _migrated(db), states_dir(states)
        if db_engine is None:  # the files need no database; the stored data does
            problems = check_files(folder, Settings.from_env().templates_dir)
            notes.append(
                "数据库尚未初始化或无法连接：已检查 states 目录中的名录、督办阶梯与通知模板；"
                "生效中的名录（数据库中载入的）与案件单位的督办路线须先运行 casework db upgrade "
                "才能检查"
            )
        else:
            db_engine.dispose()
            engine = open_engine(db, states)
            problems = check_all(engine)
        try:
            NotifySettings.from_env(environment())
        except CaseworkError as err:
            problems.append(str(err))
        if problems:
            d = None
        elif db_engine is None:
            d = load_directory(folder)
        else:
            d = directory_in_force(engine.db, folder)
    if d is not None and file is None and NotifySettings.from_env(environment()).smtp is None:
        notes.append(
            f"未设置 CASEWORK_SMTP_HOST：{d.email_recipients()} 个电子邮件收件人的通知将留在"
            "发件箱中（casework scheduler 会拒绝启动）"
        )
    if d is not None:
        placeholders = d.placeholder_addresses()
        if placeholders:
            notes.append(f"{len(placeholders)} 个电子邮件地址是占位地址（.example），上线前请替换")
        for r in d.routes.values():
            if not r.from_seed:
                notes.append(f"单位 {r.unit} 的督办路线不是通知原文（{_route_text(d, r.unit)}）")
        for v in d.vice_heads.values():
            for name in v.unmapped:
                notes.append(f"{v.name}分管的“{name}”在56家主体单位中没有对应单位")
    if as_json:
        print_json({"problems": problems, "notes": notes})
    else:
        for n in notes:
            typer.echo(f"提示：{n}")
        for p in problems:
            typer.echo(f"问题：{p}")
        typer.echo(f"共 {len(problems)} 个问题。" if problems else "名录与督办设置无误。")
    if problems:
        raise typer.Exit(EXIT_FOUND)


@directory_app.command("load")
def directory_load(
    file: Path = typer.Argument(
        None, help="名录文件（TOML，格式同 states/organisation.toml）；用 --sample 时可省略。"
    ),
    sample: bool = typer.Option(
        False,
        "--sample",
        help="同时载入示例人员（states/sample_staff.toml：56 家单位各一名经办人及综合科、"
        "政务服务中心、总值班室、法制办、信息公开工作机构负责人、审计人员），供试用。",
    ),
    db: str = DbOption,
    states: Path = StatesDirOption,
) -> None:
    """校验并载入名录：写入单位与人员（不在名录中的人员停用），此后督办按新名录发送。

    名录中已有管理员（综合科、信息公开工作机构负责人）时，只有管理员（CASEWORK_USER）可以
    载入，新名录也须含在用的管理员；新装系统尚无管理员时，首次载入不限人员。每次载入的人员
    与时间都记入名录版本（directory_versions）。

    新装的系统只有通知中的七位人员，没有能登记、办理的经办人：--sample 载入随软件发布的
    示例人员（李娜 lina 为区财政局经办人，赵综合 zonghe 为综合科……），可立即试用。示例人员
    不是真实人员；正式使用前载入真实名录，示例人员随之停用。

    示例：casework directory load --sample

    示例：casework directory load states/organisation.toml
    """
    import getpass

    from casework.cli.common import login
    from casework.errors import InvalidInput
    from casework.identity import has_administrator, require_administrator
    from casework.organisation import sample_directory, store_directory, store_directory_text

    if file is None and not sample:
        raise InvalidInput(
            "缺少名录文件 FILE（或用 --sample 载入示例人员）", field="FILE", rule="directory file"
        )
    engine = open_engine(db, states)
    # Once the directory names an administrator, only an administrator loads the next one (and
    # it must name one too); before that, on a new installation, whoever installs loads it.
    admin = has_administrator(engine.db)
    if admin:
        who = require_administrator(engine.db, login(), "载入名录").code
    else:
        who = f"首次载入（尚无管理员）：{login() or getpass.getuser()}"
    if sample:
        text, source = sample_directory(engine.settings.states_dir, file)
        d, counts = store_directory_text(
            engine.db, text, source, loaded_by=who, now=office_now(), keep_admin=admin
        )
    else:
        d, counts = store_directory(
            engine.db, file, loaded_by=who, now=office_now(), keep_admin=admin
        )
    typer.echo(
        f"名录已载入并生效：单位 {counts['units']} 个，人员 {counts['people']} 人，"
        f"停用 {counts['deactivated']} 人，战线 {len(d.lines)} 条（{d.sha256[:12]}）。"
    )
    samples = [p for p in d.people.values() if p.sample]
    if samples:
        typer.echo(
            f"其中示例人员 {len(samples)} 人（不是真实人员，仅供试用），例如："
            + "、".join(
                f"{p.code}（{p.name}，{p.title.removeprefix('示例：')}）" for p in samples[:3]
            )
            + "；全部见 casework directory show。正式使用前请载入真实名录。"
        )
