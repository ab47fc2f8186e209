"""The tables as SQLAlchemy Core, which the engine runs on. GENERATED, do not edit.

Written by ``python -m casework.store.tables_source`` from the declared schema in
``casework/store/models/`` (edit the models, then regenerate; tests/store/test_tables_source.py
fails while this file is stale). Core tables need neither SQLModel nor pydantic at import, which
keeps a clerk's command fast (docs/architecture.md).
"""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from casework.store.column_types import UTCDateTime

METADATA = MetaData()


API_KEYS = Table(
    "api_keys",
    METADATA,
    Column("id", Integer(), primary_key=True),
    Column("prefix", String(16), nullable=False, unique=True),
    Column("secret_hash", String(64), nullable=False),
    Column("person_code", String(50), ForeignKey("people.code"), nullable=False, index=True),
    Column("label", String(100), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("created_by", String(50), nullable=False),
    Column("revoked_at", UTCDateTime()),
    Column("revoked_by", String(50)),
    Column("last_used_at", UTCDateTime()),
)


CALENDAR_BASIS = Table(
    "calendar_basis",
    METADATA,
    Column("id", Integer(), primary_key=True),
    Column("years", JSON(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)


CALENDAR_NOTICES = Table(
    "calendar_notices",
    METADATA,
    # index uq_calendar_notices_year_in_force: left out (casework/store/tables_source.py)
    Column("id", Integer(), primary_key=True),
    Column("year", Integer(), nullable=False, index=True),
    Column("number", String(100), nullable=False),
    Column("issued_on", Date(), nullable=False),
    Column("rest_days", JSON(), nullable=False),
    Column("makeup_workdays", JSON(), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("registered_at", UTCDateTime(), nullable=False),
    Column("registered_by", String(50), nullable=False),
    Column("registered_role", String(32), nullable=False),
    Column("replaced_at", UTCDateTime()),
    Column("replaced_by", Integer(), ForeignKey("calendar_notices.id")),
)


CASES = Table(
    "cases",
    METADATA,
    Column("id", Integer(), primary_key=True),
    Column("flow", String(32), nullable=False, default="application", index=True),
    Column("parent_id", Integer(), ForeignKey("cases.id"), index=True),
    Column("state", String(32), nullable=False, index=True),
    Column("rule_set", String(16), nullable=False),
    Column("channel", String(32)),
    Column("reference", String(64)),
    Column("received_on", Date(), nullable=False, index=True),
    Column("applicant_name", String(200), nullable=False),
    Column("applicant_kind", String(32), nullable=False),
    Column("applicant_id_number", String(64)),
    Column("applicant_phone", String(64)),
    Column("applicant_contact", String(400)),
    Column("request", String(), nullable=False),
    Column("unit", String(32), ForeignKey("units.code")),
    Column("handler", String(50)),
    Column("outcome", String(48)),
    Column("replied_on", Date()),
    Column("delivered_on", Date()),
    Column("closed_on", Date()),
    Column("details", JSON(), nullable=False),
    Column("last_on", Date(), nullable=False),
    Column("last_event_hash", String(64), nullable=False),
    Column("event_count", Integer(), nullable=False, default=0),
    Column("version", Integer(), nullable=False, default=1),
    Column("updated_at", UTCDateTime(), nullable=False),
    Index("ix_cases_unit_state", "unit", "state"),
    Index("uq_cases_channel_reference", "channel", "reference", unique=True),
)


CLOCK_PAUSES = Table(
    "clock_pauses",
    METADATA,
    Column("id", Integer(), primary_key=True),
    Column("clock_id", Integer(), ForeignKey("clocks.id"), nullable=False, index=True),
    Column("seq", Integer(), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("paused_on", Date(), nullable=False),
    Column("resumed_on", Date()),
    UniqueConstraint("clock_id", "seq", name="uq_clock_pauses_clock_seq"),
)


CLOCKS = Table(
    "clocks",
    METADATA,
    Column("id", Integer(), primary_key=True),
    Column("case_id", Integer(), ForeignKey("cases.id"), nullable=False, index=True),
    Column("seq", Integer(), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("unit", String(16), nullable=False),
    Column("length", Integer(), nullable=False),
    Column("started_on", Date(), nullable=False),
    Column("extension_days", Integer(), nullable=False, default=0),
    Column("status", String(16), nullable=False),
    Column("due_on", Date()),
    Column("stopped_on", Date()),
    Index("ix_clocks_status_due", "status", "due_on"),
    UniqueConstraint("case_id", "seq", name="uq_clocks_case_seq"),
)


DIRECTORY_VERSIONS = Table(
    "directory_versions",
    METADATA,
    Column("id", Integer(), primary_key=True),
    Column("sha256", String(64), nullable=False),
    Column("source", String(500), nullable=False),
    Column("text", Text(), nullable=False),
    Column("loaded_at", UTCDateTime(), nullable=False),
    Column("loaded_by", String(100), nullable=False),
)


ESCALATIONS = Table(
    "escalations",
    METADATA,
    Column("id", Integer(), primary_key=True),
    Column("clock_id", Integer(), ForeignKey("clocks.id"), nullable=False),
    Column("case_id", Integer(), ForeignKey("cases.id"), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("level", String(32), nullable=False),
    Column("offset_days", Integer(), nullable=False),
    Column("due_on", Date(), nullable=False),
    Column("fire_on", Date(), nullable=False),
    Column("as_of", Date(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    UniqueConstraint("clock_id", "level", name="uq_escalations_clock_level"),
)


EVENTS = Table(
    "events",
    METADATA,
    Column("id", Integer(), primary_key=True),
    Column("case_id", Integer(), ForeignKey("cases.id"), nullable=False, index=True),
    Column("seq", Integer(), nullable=False),
    Column("move", String(48), nullable=False),
    Column("from_state", String(32), nullable=False),
    Column("to_state", String(32), nullable=False),
    Column("actor_name", String(50), nullable=False),
    Column("actor_role", String(32), nullable=False),
    Column("actor_unit", String(32)),
    Column("occurred_on", Date(), nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("payload", JSON(), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("key_id", String(16)),
    UniqueConstraint("case_id", "seq", name="uq_events_case_seq"),
)


LETTER_ARCHIVE = Table(
    "letter_archive",
    METADATA,
    Column("id", Integer(), primary_key=True),
    Column("database_id", String(36), nullable=False),
)


LETTER_SEQUENCES = Table(
    "letter_sequences",
    METADATA,
    Column("unit", String(32), primary_key=True),
    Column("year", Integer(), primary_key=True),
    Column("series", String(48), primary_key=True),
    Column("last", Integer(), nullable=False),
)


LETTERS = Table(
    "letters",
    METADATA,
    Column("id", Integer(), primary_key=True),
    Column("case_id", Integer(), ForeignKey("cases.id"), nullable=False, index=True),
    Column("event_seq", Integer(), nullable=False),
    Column("move", String(48), nullable=False),
    Column("kind", String(48), nullable=False),
    Column("series", String(48), nullable=False),
    Column("unit", String(32), ForeignKey("units.code"), nullable=False),
    Column("year", Integer(), nullable=False),
    Column("seq", Integer(), nullable=False),
    Column("number", String(100), nullable=False),
    Column("template", String(200), nullable=False),
    Column("template_hash", String(64), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("html", Text(), nullable=False),
    Column("pdf_hash", String(64)),
    Column("pdf_skipped", String(400)),
    Column("docx_hash", String(64)),
    Column("directory", String(200), nullable=False),
    Column("stem", String(100), nullable=False),
    Column("issued_on", Date(), nullable=False),
    Column("issued_at", UTCDateTime(), nullable=False),
    Column("issued_by", String(50), nullable=False),
    Column("issued_by_role", String(32), nullable=False),
    Column("issued_by_unit", String(32)),
    Column("formats", String(40), nullable=False),
    Column("render_status", String(16), nullable=False),
    Column("render_error", String(400)),
    Column("render_attempts", Integer(), nullable=False, default=0),
    Column("rendered_at", UTCDateTime()),
    Column("render_claim", String(120)),
    Column("render_claimed_at", UTCDateTime()),
    Index("ix_letters_render_status", "render_status"),
    UniqueConstraint("number", name="uq_letters_number"),
    UniqueConstraint("unit", "year", "series", "seq", name="uq_letters_series_seq"),
)


OUTBOX = Table(
    "outbox",
    METADATA,
    Column("id", Integer(), primary_key=True),
    Column("escalation_id", Integer(), ForeignKey("escalations.id"), index=True),
    Column("case_id", Integer(), ForeignKey("cases.id"), index=True),
    Column("notice_key", String(120)),
    Column("channel", String(16), nullable=False),
    Column("recipient", String(64), nullable=False),
    Column("recipient_name", String(100), nullable=False),
    Column("address", String(200), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("body", Text(), nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer(), nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime(), nullable=False),
    Column("lease_until", UTCDateTime()),
    Column("last_error", String(500)),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("sent_at", UTCDateTime()),
    Index("ix_outbox_status_next", "status", "next_attempt_at"),
    UniqueConstraint("escalation_id", "recipient", name="uq_outbox_escalation_recipient"),
    UniqueConstraint("notice_key", "recipient", name="uq_outbox_notice_key_recipient"),
)


PEOPLE = Table(
    "people",
    METADATA,
    Column("id", Integer(), primary_key=True),
    Column("code", String(50), nullable=False, unique=True),
    Column("name", String(50), nullable=False),
    Column("role", String(32), nullable=False),
    Column("unit_code", String(32), ForeignKey("units.code")),
    Column("email", String(200)),
    Column("active", Boolean(), nullable=False, default=True),
    Column("title", String(100)),
    Column("phone", String(64)),
)


SERVICE_SECRETS = Table(
    "service_secrets",
    METADATA,
    Column("name", String(32), primary_key=True),
    Column("value", String(128), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)


SWEEP_RUNS = Table(
    "sweep_runs",
    METADATA,
    Column("id", Integer(), primary_key=True),
    Column("run_key", String(64)),
    Column("as_of", Date(), nullable=False),
    Column("started_by", String(16), nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime()),
    Column("summary", JSON(), nullable=False),
    UniqueConstraint("run_key", name="uq_sweep_runs_run_key"),
)


UNITS = Table(
    "units",
    METADATA,
    Column("code", String(32), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("group", String(32), nullable=False),
    Column("seed_number", String(8)),
    Column("from_seed", Boolean(), nullable=False, default=True),
    Column("email", String(200)),
    Column("phone", String(64)),
)
