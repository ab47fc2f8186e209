"""Delivery against a real SMTP server on loopback (aiosmtpd), the file channel, settings."""

from __future__ import annotations

from datetime import timedelta

import pytest

from casework.errors import InvalidInput
from casework.notify import NotifySettings, dispatch, retry_now
from tests.support.dates import at
from tests.support.escalation import every_level_night, outbox, register, run

NOW = at("2026-03-31", 1)


def test_notices_arrive_by_smtp_in_chinese_naming_case_unit_clock_due_and_overdue(
    engine, smtp
) -> None:
    case = register(engine, "2026-03-02", unit="jyj")  # reply due 3/30; 程宏刚's line → 范宁
    every_level_night(engine)
    result = dispatch(engine.db, NotifySettings.from_env(smtp.env()), now=NOW)
    assert (result.sent, result.failed) == (4, 0)
    by_to = {m["To"].addresses[0].addr_spec: m for m in smtp.inbox.messages}
    assert sorted(by_to) == [
        "dcs@qiaokou.gov.example",
        "fanning@qiaokou.gov.example",
        "jyj@qiaokou.gov.example",
        "xugang@qiaokou.gov.example",
    ]
    line = by_to["fanning@qiaokou.gov.example"]  # sent on the due day, 3/30
    assert line["Subject"] == f"【期限督办】届满督办：案件 {case} 答复期限今日届满（区教育局）"
    body = line.get_content()
    for text in (f"案件编号：{case}", "承办单位：区教育局", "届满日期：2026-03-30"):
        assert text in body
    assert "程宏刚副区长分管战线（战线副主任 范宁）" in body
    breach = by_to["xugang@qiaokou.gov.example"]  # sent on 3/31
    assert "已逾期 1 个工作日" in breach["Subject"] and "已逾期 1 个工作日" in breach.get_content()
    assert {r.status for r in outbox(engine)} == {"sent"}
    # Sent rows are not sent again.
    assert (
        dispatch(engine.db, NotifySettings.from_env(smtp.env()), now=NOW + timedelta(hours=1)).sent
        == 0
    )
    assert len(smtp.inbox.messages) == 4


def test_mail_server_down_keeps_notices_and_delivers_each_once_when_back(engine, smtp) -> None:
    register(engine, "2026-03-02")
    every_level_night(engine)
    settings = NotifySettings.from_env(smtp.env())
    smtp.stop()
    down = dispatch(engine.db, settings, now=NOW)
    assert (down.sent, down.failed) == (0, 4)
    rows = outbox(engine)
    assert {r.status for r in rows} == {"pending"}
    assert {r.attempts for r in rows} == {1}
    assert all("无法连接邮件服务器" in r.last_error for r in rows)
    assert {r.next_attempt_at for r in rows} == {NOW + timedelta(seconds=60)}
    # Still down a minute later: second attempt, the wait doubles to 120 s.
    assert dispatch(engine.db, settings, now=NOW + timedelta(seconds=30)).failed == 0  # backoff
    assert dispatch(engine.db, settings, now=NOW + timedelta(seconds=61)).failed == 4
    assert {r.next_attempt_at for r in outbox(engine)} == {NOW + timedelta(seconds=181)}
    smtp.start()
    back = dispatch(engine.db, settings, now=NOW + timedelta(seconds=181))
    assert (back.sent, back.failed) == (4, 0)
    assert dispatch(engine.db, settings, now=NOW + timedelta(hours=2)).sent == 0
    assert len(smtp.inbox.messages) == 4
    assert {r.status for r in outbox(engine)} == {"sent"}


def test_retry_now_skips_the_backoff(engine, smtp) -> None:
    register(engine, "2026-03-02")
    every_level_night(engine)
    settings = NotifySettings.from_env(smtp.env())
    smtp.stop()
    dispatch(engine.db, settings, now=NOW)
    smtp.start()
    assert retry_now(engine.db, now=NOW + timedelta(seconds=5)) == 4
    assert dispatch(engine.db, settings, now=NOW + timedelta(seconds=5)).sent == 4


def test_a_dispatcher_that_died_mid_send_is_taken_over_after_its_lease(engine, smtp) -> None:
    from casework.notify import _claim

    register(engine, "2026-03-02")
    every_level_night(engine)
    settings = NotifySettings.from_env(smtp.env())
    assert len(_claim(engine.db, NOW, 100)) == 4  # claimed, then the process died
    assert dispatch(engine.db, settings, now=NOW + timedelta(minutes=5)).sent == 0  # leased
    assert dispatch(engine.db, settings, now=NOW + timedelta(minutes=11)).sent == 4


def test_file_channel_for_an_office_without_mail(engine, tmp_path) -> None:
    from casework.organisation import store_directory

    text = (engine.settings.states_dir / "organisation.toml").read_text(encoding="utf-8")
    text = text.replace('email = "czj@qiaokou.gov.example"', 'channel = "file"')
    path = tmp_path / "org.toml"
    path.write_text(text, encoding="utf-8")
    store_directory(engine.db, path, loaded_by="test", now=NOW)
    case = register(engine, "2026-03-02")
    run(engine, "2026-03-26")  # reminder (-3 = 3/25) to the unit: file channel
    notices = tmp_path / "notices.log"
    settings = NotifySettings.from_env({"CASEWORK_NOTICE_FILE": str(notices)})
    assert dispatch(engine.db, settings, now=NOW).sent == 1
    written = notices.read_text(encoding="utf-8")
    assert f"案件编号：{case}" in written and "收件：区财政局" in written
    assert "将于 2026-03-30 届满" in written


def test_email_waits_in_the_outbox_when_no_mail_server_is_set(engine) -> None:
    register(engine, "2026-03-02")
    every_level_night(engine)
    result = dispatch(engine.db, NotifySettings.from_env({}), now=NOW)
    # Not tried, so not failed: no attempt counted, no error; they wait for a mail server.
    assert (result.sent, result.failed, result.mail_waiting) == (0, 0, 4)
    assert {(r.status, r.attempts, r.last_error) for r in outbox(engine)} == {("pending", 0, None)}


@pytest.mark.parametrize(
    ("env", "field"),
    [
        (
            {
                "CASEWORK_SMTP_HOST": "mail",
                "CASEWORK_SMTP_FROM": "a@b.cn",
                "CASEWORK_SMTP_PORT": "x",
            },
            "CASEWORK_SMTP_PORT",
        ),
        (
            {
                "CASEWORK_SMTP_HOST": "mail",
                "CASEWORK_SMTP_FROM": "a@b.cn",
                "CASEWORK_SMTP_PORT": "70000",
            },
            "CASEWORK_SMTP_PORT",
        ),
        ({"CASEWORK_SMTP_HOST": "mail"}, "CASEWORK_SMTP_FROM"),
        (
            {"CASEWORK_SMTP_HOST": "mail", "CASEWORK_SMTP_FROM": "not-an-address"},
            "CASEWORK_SMTP_FROM",
        ),
        (
            {
                "CASEWORK_SMTP_HOST": "mail",
                "CASEWORK_SMTP_FROM": "a@b.cn",
                "CASEWORK_SMTP_SECURITY": "tls",
            },
            "CASEWORK_SMTP_SECURITY",
        ),
        (
            {
                "CASEWORK_SMTP_HOST": "mail",
                "CASEWORK_SMTP_FROM": "a@b.cn",
                "CASEWORK_SMTP_USER": "u",
            },
            "CASEWORK_SMTP_USER",
        ),
        (
            {"CASEWORK_RETRY_SECONDS": "600", "CASEWORK_RETRY_MAX_SECONDS": "60"},
            "CASEWORK_RETRY_MAX_SECONDS",
        ),
    ],
)
def test_bad_smtp_settings_are_refused_when_read(env, field) -> None:
    with pytest.raises(InvalidInput) as err:
        NotifySettings.from_env(env)
    assert err.value.field == field
    assert field in err.value.message


def test_backoff_doubles_and_is_capped() -> None:
    s = NotifySettings.from_env(
        {"CASEWORK_RETRY_SECONDS": "60", "CASEWORK_RETRY_MAX_SECONDS": "300"}
    )
    assert [s.backoff(n).total_seconds() for n in range(1, 6)] == [60, 120, 240, 300, 300]
