"""``casework serve`` (the HTTP service) and ``casework apikey create / list / revoke`` (the
keys of the systems that call it; administrators only). docs/http.md describes both."""

from __future__ import annotations

from datetime import datetime

import typer

from casework.cli.common import DbOption, JsonOption, StatesDirOption, open_engine, print_json

apikey_app = typer.Typer(
    help="HTTP服务的API密钥：签发、列出、吊销（仅限管理员）。", no_args_is_help=True
)


def _when(moment: datetime | None) -> str:
    from casework.settings import TIMEZONE

    return moment.astimezone(TIMEZONE).strftime("%Y-%m-%d %H:%M") if moment else "—"


@apikey_app.command("create")
def apikey_create(
    person: str = typer.Argument(..., help="密钥所属人员的代码（人员名录中的 code）。"),
    label: str = typer.Option(..., "--label", help="用途说明，如“政务服务中心收件系统”。"),
    db: str = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """为调用系统签发一个API密钥，绑定到名录中的一名人员（按其角色与单位办理）。

    密钥只显示这一次，数据库只保存其摘要；请立即交给调用系统保管。办理人由 CASEWORK_USER 指明。

    示例：casework apikey create wangmin --label 政务服务中心收件系统
    """
    from casework.apikeys import create_key, role_label
    from casework.cli.common import login, office_now
    from casework.identity import require_administrator

    engine = open_engine(db)
    try:
        admin = require_administrator(engine.db, login(), "签发API密钥")
        key, plain = create_key(engine.db, admin, person, label, office_now())
    finally:
        engine.db.dispose()
    if as_json:
        print_json({"id": key.id, "key": plain, "person": key.person, "label": key.label})
        return
    typer.echo(f"已签发API密钥 {key.id}：{key.person_name}（{role_label(key.role)}），{key.label}")
    typer.echo(plain)
    typer.echo("密钥只显示这一次，请立即交给调用系统保管（请求头 Authorization: Bearer 密钥）。")


@apikey_app.command("list")
def apikey_list(db: str = DbOption, as_json: bool = JsonOption) -> None:
    """列出API密钥（不显示密钥本身）：编号、所属人员、用途、签发与吊销、最近使用。

    示例：casework apikey list
    """
    from casework.apikeys import list_keys, role_label
    from casework.cli.common import clerk_console, login
    from casework.identity import require_administrator

    engine = open_engine(db)
    try:
        require_administrator(engine.db, login(), "查看API密钥")
        keys = list_keys(engine.db)
    finally:
        engine.db.dispose()
    if as_json:
        from dataclasses import asdict

        print_json([{**asdict(k), "active": k.active} for k in keys])
        return
    from rich.table import Table

    table = Table("编号", "人员", "角色", "用途", "签发", "状态", "最近使用", title="API密钥")
    for k in keys:
        state = "有效" if k.active else f"已吊销（{_when(k.revoked_at)}，{k.revoked_by}）"
        table.add_row(
            str(k.id),
            f"{k.person_name}（{k.person}）",
            role_label(k.role),
            k.label,
            f"{_when(k.created_at)}，{k.created_by}",
            state,
            _when(k.last_used_at),
        )
    clerk_console().print(table)


@apikey_app.command("revoke")
def apikey_revoke(
    key_id: int = typer.Argument(..., min=1, max=2**31 - 1, help="密钥编号（apikey list）。"),
    db: str = DbOption,
) -> None:
    """吊销一个API密钥：从下一个请求起，使用它的请求一律被拒绝。

    示例：casework apikey revoke 1
    """
    from casework.apikeys import revoke_key
    from casework.cli.common import login, office_now
    from casework.identity import require_administrator

    engine = open_engine(db)
    try:
        admin = require_administrator(engine.db, login(), "吊销API密钥")
        changed = revoke_key(engine.db, admin, key_id, office_now())
    finally:
        engine.db.dispose()
    typer.echo(f"API密钥 {key_id} 已吊销" if changed else f"API密钥 {key_id} 早已吊销，未作改动")


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址（默认只在本机）。"),
    port: int = typer.Option(8080, "--port", min=1, max=65535, help="监听端口。"),
    db: str = DbOption,
    states: str = StatesDirOption,
) -> None:
    """运行HTTP服务（ASGI，uvicorn）：登记、办理、查阅、事件流与申请人进度查询。

    与命令行使用同一个数据库和引擎；调用系统凭 casework apikey create 签发的密钥访问。
    TLS 由前置的反向代理（nginx）负责。设置：CASEWORK_HTTP_MAX_BODY、
    CASEWORK_HTTP_CORS_ORIGINS、CASEWORK_STATUS_RATE（见 docs/http.md）。

    示例：casework serve --port 8080
    """
    from pathlib import Path

    from casework.server.config import ServerSettings
    from casework.server.run import configure_logging
    from casework.server.run import serve as run
    from casework.settings import environment

    settings = ServerSettings.from_env(environment())
    configure_logging()
    engine = open_engine(db, Path(states) if states else None)
    try:
        run(engine, settings, host, port)
    finally:
        engine.db.dispose()


def register(root: typer.Typer) -> None:
    """Add this feature's commands to the root command."""
    root.add_typer(apikey_app, name="apikey")
    root.command("serve")(serve)
