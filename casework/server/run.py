"""Running the service under uvicorn (``casework serve``)."""

from __future__ import annotations

import logging

from casework.engine import Engine
from casework.server.app import create_app
from casework.server.config import ServerSettings


def configure_logging(level: int = logging.INFO) -> None:
    """Request logs and the service's errors to stderr, through the standard logging module
    (an embedding program configures logging itself instead)."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def serve(engine: Engine, settings: ServerSettings, host: str, port: int) -> None:
    import uvicorn

    config = uvicorn.Config(
        create_app(engine, settings),
        host=host,
        port=port,
        access_log=False,  # casework.server.access logs each request, without its query
        log_config=None,  # keep the logging set up by configure_logging
        proxy_headers=True,  # the client's address from X-Forwarded-For of the proxy on this host
        forwarded_allow_ips="127.0.0.1",
        server_header=False,
    )
    uvicorn.Server(config).run()
