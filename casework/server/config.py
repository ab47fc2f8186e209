"""The service's settings, parsed from a mapping (the CLI hands it ``environment()``: only
casework/settings.py reads the process environment)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from casework.errors import InvalidInput

MAX_BODY_VARIABLE = "CASEWORK_HTTP_MAX_BODY"
CORS_VARIABLE = "CASEWORK_HTTP_CORS_ORIGINS"
STATUS_RATE_VARIABLE = "CASEWORK_STATUS_RATE"


@dataclass(frozen=True)
class ServerSettings:
    """``max_body``: bytes a request body may have; ``cors_origins``: origins a browser may call
    from (none: CORS off); ``status_rate``: lookups a client may make per ``status_window``
    seconds."""

    max_body: int = 64 * 1024
    cors_origins: tuple[str, ...] = ()
    status_rate: int = 10
    status_window: int = 60

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ServerSettings:
        found = cls()
        raw_body = env.get(MAX_BODY_VARIABLE)
        max_body = found.max_body
        if raw_body:
            if not raw_body.isdigit() or not 1024 <= int(raw_body) <= 16 * 1024 * 1024:
                raise InvalidInput(
                    f"{MAX_BODY_VARIABLE} 应为 1024 至 16777216 之间的字节数，收到 {raw_body!r}",
                    field=MAX_BODY_VARIABLE,
                    rule="body limit in bytes",
                )
            max_body = int(raw_body)
        origins = tuple(o.strip() for o in env.get(CORS_VARIABLE, "").split(",") if o.strip())
        rate, window = found.status_rate, found.status_window
        raw_rate = env.get(STATUS_RATE_VARIABLE)
        if raw_rate:
            count, _, seconds = raw_rate.partition("/")
            if not (
                count.isdigit() and seconds.isdigit() and int(count) >= 1 and int(seconds) >= 1
            ):
                raise InvalidInput(
                    f"{STATUS_RATE_VARIABLE} 应写作 次数/秒数（如 10/60），收到 {raw_rate!r}",
                    field=STATUS_RATE_VARIABLE,
                    rule="lookups per window",
                )
            rate, window = int(count), int(seconds)
        return cls(max_body, origins, rate, window)
