"""The scheduler: APScheduler configuration, settings, checks at start, a job really run."""

from __future__ import annotations

import time as clock_time
from datetime import UTC, datetime, time, timedelta

import pytest

from casework.errors import DefinitionError, InvalidInput
from casework.notify import NotifySettings
from casework.scheduler import NightlyJobs, ScheduleSettings, build_scheduler
from casework.settings import TIMEZONE
from tests.support.dates import at
from tests.support.escalation import levels, outbox, register, replaced_deputy, run
from tests.support.smtp import free_port

# A mail server that is not there: valid settings; sending would wait for it.
NO_SERVER = {
    "CASEWORK_SMTP_HOST": "127.0.0.1",
    "CASEWORK_SMTP_PORT": str(free_port()),
    "CASEWORK_SMTP_FROM": "gkb@qiaokou.gov.example",
}


def test_nightly_job_at_one_in_shanghai_with_hours_of_grace_coalesced(engine) -> None:
    jobs = NightlyJobs(engine, NotifySettings.from_env(NO_SERVER))
    scheduler = build_scheduler(jobs, ScheduleSettings(), blocking=False)
    nightly, dispatch = scheduler.get_job("nightly"), scheduler.get_job("dispatch")
    # 2026-03-30 23:30 in Shanghai (15:30 UTC): the next run is 01:00 Shanghai on 3/31.
    after = datetime(2026, 3, 30, 15, 30, tzinfo=UTC)
    assert nightly.trigger.get_next_fire_time(None, after) == datetime(
        2026, 3, 31, 1, 0, tzinfo=TIMEZONE
    )
    assert (nightly.misfire_grace_time, nightly.coalesce, nightly.max_instances) == (
        6 * 3600,
        True,
        1,
    )
    assert dispatch.trigger.interval == timedelta(minutes=10)


def test_schedule_settings_from_the_environment() -> None:
    s = ScheduleSettings.from_env(
        {
            "CASEWORK_NIGHTLY_AT": "02:30",
            "CASEWORK_MISFIRE_GRACE_HOURS": "3",
            "CASEWORK_DISPATCH_MINUTES": "5",
        }
    )
    assert (s.at, s.misfire_grace_hours, s.dispatch_minutes) == (time(2, 30), 3, 5)
    assert ScheduleSettings.from_env({}, at="03:15").at == time(3, 15)
    with pytest.raises(InvalidInput) as err:
        ScheduleSettings.from_env({"CASEWORK_NIGHTLY_AT": "25:00"})
    assert err.value.field == "CASEWORK_NIGHTLY_AT"
    with pytest.raises(InvalidInput) as err:
        ScheduleSettings.from_env({"CASEWORK_MISFIRE_GRACE_HOURS": "0"})
    assert err.value.field == "CASEWORK_MISFIRE_GRACE_HOURS"


def test_a_broken_ladder_stops_the_scheduler_at_start_not_at_one(engine, tmp_path) -> None:
    import shutil

    import casework

    states = tmp_path / "states"
    shutil.copytree(engine.settings.states_dir, states)
    path = states / "escalation.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"supervision_office"]', '"inspectors"]'),
        encoding="utf-8",
    )
    broken = casework.open(
        str(engine.db.url.render_as_string(hide_password=False)), states_dir=states
    )
    with pytest.raises(DefinitionError) as err:
        NightlyJobs(broken, NotifySettings.from_env({}))
    assert "'inspectors' 未知" in err.value.message


def test_no_mail_server_for_e_mail_recipients_stops_the_scheduler_at_start(engine) -> None:
    with pytest.raises(InvalidInput) as err:
        NightlyJobs(engine, NotifySettings.from_env({}))
    assert err.value.field == "CASEWORK_SMTP_HOST"
    assert "名录中有 74 个以电子邮件接收督办通知" in err.value.message


def test_start_catches_up_the_missed_nights_once(engine) -> None:
    case = register(engine, "2026-03-02")  # reply due 3/30
    settings = NotifySettings.from_env(NO_SERVER)
    jobs = NightlyJobs(engine, settings, clock=lambda: at("2026-04-01", 15))
    first = jobs.nightly()  # the catch-up run of `casework scheduler` on start
    assert [lv for _, _, lv, _ in levels(engine, case)] == ["reminder", "line", "breach"]
    again = jobs.nightly()  # e.g. a restart the same day
    assert first.skipped is None and again.skipped is not None
    assert run(engine, "2026-04-01").notices == 0


def test_a_started_scheduler_runs_its_dispatch_job(engine, tmp_path, pinned_today) -> None:
    # The running scheduler reads the wall clock (pinned, still ticking): the sweep's reminder
    # is due for dispatch whatever the machine's date.
    register(engine, "2026-03-02")
    run(engine, "2026-03-26")  # one reminder to the unit
    settings = NotifySettings.from_env(
        {**NO_SERVER, "CASEWORK_NOTICE_FILE": str(tmp_path / "n.log")}
    )
    from casework.store.tables import OUTBOX

    with engine.db.begin() as conn:  # this office has no mail: the file channel
        conn.execute(OUTBOX.update().values(channel="file"))
    jobs = NightlyJobs(engine, settings, clock=lambda: datetime.now(TIMEZONE))
    scheduler = build_scheduler(jobs, ScheduleSettings(), blocking=False)
    scheduler.start()
    try:
        scheduler.modify_job("dispatch", next_run_time=datetime.now(TIMEZONE))
        deadline = clock_time.monotonic() + 20
        while clock_time.monotonic() < deadline and outbox(engine)[0].status != "sent":
            clock_time.sleep(0.1)
    finally:
        scheduler.shutdown()
    assert outbox(engine)[0].status == "sent"
    assert "到期提醒" in (tmp_path / "n.log").read_text(encoding="utf-8")


def test_a_running_scheduler_notifies_a_person_loaded_after_it_started(engine, tmp_path) -> None:
    from casework.organisation import store_directory

    case = register(engine, "2026-03-02")  # czj: line1; reply due 3/30
    jobs = NightlyJobs(
        engine, NotifySettings.from_env(NO_SERVER), clock=lambda: at("2026-03-30", 1)
    )
    store_directory(engine.db, replaced_deputy(tmp_path), loaded_by="t", now=at("2026-03-29"))
    jobs.nightly()
    line = [r.recipient for r in outbox(engine) if r.case_id == case and "届满督办" in r.subject]
    assert line == ["person:wangli"]
