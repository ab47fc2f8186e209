"""``casework scheduler``: the nightly sweep and the outbox dispatcher on APScheduler 3.11.

Jobs (in-memory job store: never one job store shared between processes, docs/architecture.md):

* ``nightly`` — a cron trigger at 01:00 Asia/Shanghai (``CASEWORK_NIGHTLY_AT``): sweep as of
  today, then dispatch, then the day's signed checkpoint of the event chain
  (``Engine.checkpoint``). ``misfire_grace_time`` is hours (``CASEWORK_MISFIRE_GRACE_HOURS``,
  default 6; APScheduler's own default of one second would drop a run that is a little late),
  ``coalesce=True`` (several missed runs become one), ``max_instances=1``.
* ``dispatch`` — every ``CASEWORK_DISPATCH_MINUTES`` (default 10): retries what is waiting.
* ``letters`` — as often: writes the files of letters still pending (a process that died between
  its move's COMMIT and the files, a font or template that failed: casework/letters/
  materialize.py), in a pool of render processes. The nightly job runs it too.

On start the nightly job runs once at once (catch-up): a sweep as of today reaches every level
whose day came while no scheduler ran. Several instances on one database stay safe: each night
has a unique run key (``nightly:YYYY-MM-DD`` in ``sweep_runs``), the sweep itself takes the
sweep lock, escalations are unique per (clock, level), and the dispatcher claims rows.
Deadlines are never jobs: they stay in the clocks table and the sweep finds them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from casework.errors import InvalidInput
from casework.settings import TIMEZONE

if TYPE_CHECKING:
    from casework.engine import Engine
    from casework.engine.integrity import CheckpointResult
    from casework.escalation import SweepSummary
    from casework.letters.materialize import RenderSummary
    from casework.notify import DispatchSummary, NotifySettings

log = logging.getLogger("casework.scheduler")


@dataclass(frozen=True)
class ScheduleSettings:
    at: time = time(1, 0)
    misfire_grace_hours: int = 6
    dispatch_minutes: int = 10

    @classmethod
    def from_env(cls, env: Mapping[str, str], **overrides: Any) -> ScheduleSettings:
        raw_at = overrides.get("at") or env.get("CASEWORK_NIGHTLY_AT") or "01:00"
        try:
            at = time.fromisoformat(raw_at)
        except ValueError:
            raise InvalidInput(
                f"CASEWORK_NIGHTLY_AT：时间应为 HH:MM（如 01:00），收到 {raw_at!r}",
                field="CASEWORK_NIGHTLY_AT",
                rule="scheduler settings",
            ) from None
        values = {}
        for name, var, low, high in (
            ("misfire_grace_hours", "CASEWORK_MISFIRE_GRACE_HOURS", 1, 23),
            ("dispatch_minutes", "CASEWORK_DISPATCH_MINUTES", 1, 1440),
        ):
            raw = overrides.get(name) or env.get(var) or getattr(cls, name)
            try:
                value = int(raw)
            except ValueError:
                value = low - 1
            if not low <= value <= high:
                raise InvalidInput(
                    f"{var}：应为 {low}–{high} 的整数，收到 {raw!r}",
                    field=var,
                    rule="scheduler settings",
                )
            values[name] = value
        return cls(at=at, **values)


def wall_clock() -> datetime:
    return datetime.now(TIMEZONE)


class NightlyJobs:
    """The jobs of one scheduler process, over one engine, checked when built."""

    def __init__(
        self,
        engine: Engine,
        notify_settings: NotifySettings,
        *,
        clock: Callable[[], datetime] = wall_clock,
        render_letters: Callable[[], RenderSummary] | None = None,
    ) -> None:
        from casework.escalation import prepare

        self.engine = engine
        self.notify = notify_settings
        self.clock = clock
        # The letters' materializer (given by the composition root: the scheduler is no part
        # of the letters, casework.letters.issuing.service_of(engine).materializer().render).
        self.letters = render_letters
        # Directory, ladder, templates and mail settings are checked now, at start, not at 01:00.
        self.plan = prepare(engine)
        mailboxes = self.plan.directory.email_recipients()
        if mailboxes and notify_settings.smtp is None:
            raise InvalidInput(
                f"CASEWORK_SMTP_HOST 未设置，而名录中有 {mailboxes} 个以电子邮件接收督办通知的"
                "单位、机构或人员：请设置邮件服务器（见 casework directory check），"
                '或在名录中把无邮箱者写为 channel = "file"',
                field="CASEWORK_SMTP_HOST",
                rule="notices by e-mail need a mail server",
            )

    def nightly(self) -> SweepSummary:
        """Sweep as of today under tonight's run key, then deliver."""
        from casework.escalation import sweep

        self._refresh()
        now = self.clock()
        summary = sweep(
            self.engine,
            now.date(),
            now=now,
            run_key=f"nightly:{now.date().isoformat()}",
            started_by="scheduler",
            plan=self.plan,
        )
        log.info("夜间督办 %s：%s", now.date(), summary.counts())
        for warning in summary.warnings:
            log.warning("夜间督办提醒：%s", warning)
        for problem in summary.problems:
            log.warning("夜间督办问题：%s", problem)
        self.dispatch()
        self.render_letters()
        self.checkpoint()
        return summary

    def checkpoint(self) -> CheckpointResult | None:
        """Write tonight's signed checkpoint of the event chain (None: refused because the
        database contradicts the newest one, or failed; logged either way)."""
        try:
            result = self.engine.checkpoint(now=self.clock())
        except Exception:  # the next night retries; the scheduler keeps running
            log.exception("写入事件链检查点失败，下次运行时重试")
            return None
        if result.path is None:
            log.error(
                "数据库与最新的事件链检查点不符，未写入检查点（casework verify 列出全部差异）：%s",
                "；".join(f"案件 {d.case_id} {d.what}" for d in result.differences[:10]),
            )
            return None
        log.info("事件链检查点：%s（%s 个案件）", result.path, result.cases)
        return result

    def render_letters(self) -> RenderSummary | None:
        """Write the files of the letters still pending (None: no materializer, or the run
        failed, logged)."""
        if self.letters is None:
            return None
        try:
            result = self.letters()
        except Exception:  # the next run retries; the scheduler keeps running
            log.exception("生成文书文件失败，下次运行时重试")
            return None
        if result.rendered or result.failed or result.temp_removed:
            log.info(
                "文书文件：生成 %s 份，失败待重试 %s 份，清除临时文件 %s 个",
                len(result.rendered),
                len(result.failed),
                len(result.temp_removed),
            )
        return result

    def _refresh(self) -> None:
        """Pick up a directory loaded since the start (``casework directory load`` validates
        before it stores, so this normally succeeds); on a problem keep last night's plan."""
        from casework.errors import CaseworkError
        from casework.escalation import prepare

        try:
            self.plan = prepare(self.engine)
        except CaseworkError as err:
            log.error("督办设置有误，沿用启动时（或上次）的设置：%s", err)

    def dispatch(self) -> DispatchSummary:
        from casework.notify import dispatch

        result = dispatch(self.engine.db, self.notify, now=self.clock())
        if result.sent or result.failed:
            log.info("发送通知：成功 %s，失败待重试 %s", result.sent, result.failed)
        return result


def build_scheduler(jobs: NightlyJobs, schedule: ScheduleSettings, *, blocking: bool = True) -> Any:
    """An APScheduler with the nightly and dispatch jobs (not started)."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    cls = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = cls(timezone=TIMEZONE)
    # APScheduler's default grace of one second would drop a night that starts a little late.
    options = {
        "coalesce": True,
        "max_instances": 1,
        "misfire_grace_time": schedule.misfire_grace_hours * 3600,
    }
    scheduler.add_job(
        jobs.nightly,
        CronTrigger(hour=schedule.at.hour, minute=schedule.at.minute, timezone=TIMEZONE),
        id="nightly",
        name="夜间期限督办与通知发送",
        **options,
    )
    scheduler.add_job(
        jobs.dispatch,
        IntervalTrigger(minutes=schedule.dispatch_minutes, timezone=TIMEZONE),
        id="dispatch",
        name="发件箱重试发送",
        **options,
    )
    scheduler.add_job(
        jobs.render_letters,
        IntervalTrigger(minutes=schedule.dispatch_minutes, timezone=TIMEZONE),
        id="letters",
        name="生成待生成的文书文件",
        **options,
    )
    return scheduler


def run(jobs: NightlyJobs, schedule: ScheduleSettings) -> None:
    """Catch up once (a missed night), then run until stopped."""
    scheduler = build_scheduler(jobs, schedule)
    jobs.nightly()
    log.info(
        "调度已启动：每天 %s（Asia/Shanghai）夜间督办，每 %s 分钟重试发送",
        schedule.at.strftime("%H:%M"),
        schedule.dispatch_minutes,
    )
    scheduler.start()
