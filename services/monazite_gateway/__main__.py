"""`python -m monazite_gateway`: serve the API with uvicorn on the configured host and port."""

from __future__ import annotations

import uvicorn

from monazite_gateway.app import create_app
from monazite_infra.logs import configure_logging
from monazite_infra.settings import get_settings


def main() -> None:
    settings = get_settings()
    configure_logging(settings.log_level)
    uvicorn.run(
        create_app(settings),
        host=settings.gateway_host,
        port=settings.gateway_port,
        log_config=None,
        access_log=False,
        # Live streams never end on their own: on shutdown they are closed after this long.
        timeout_graceful_shutdown=3,
    )


if __name__ == "__main__":
    main()
