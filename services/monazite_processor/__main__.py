"""`python -m monazite_processor`: run one processor worker until SIGTERM or Ctrl-C."""

from __future__ import annotations

import faust

from monazite_infra.logs import configure_logging
from monazite_infra.settings import get_settings
from monazite_processor.app import create_app


def main() -> None:
    settings = get_settings()
    configure_logging(settings.log_level)
    app = create_app(settings)
    worker = faust.Worker(app, loglevel=settings.log_level, quiet=True)
    worker.execute_from_commandline()


if __name__ == "__main__":
    main()
