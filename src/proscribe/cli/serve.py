"""``proscribe serve``: the HTTP API under uvicorn, one process per worker.

Before any worker starts, the parent migrates the store and brings the
screening index file up to date, so each worker only loads that file (about a
second) and no two workers race to migrate or rebuild. With several workers,
Prometheus counters are kept in a shared folder so ``/metrics`` reports the
whole service.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import typer

from proscribe.cli.app import context, stderr
from proscribe.errors import UserError

APP = "proscribe.api.app:create_app"


def serve_command(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0: every interface)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker processes (about one per core)."),
) -> None:
    """Serve the HTTP API: screening, yente-compatible /match, lists, alerts and parties."""
    import uvicorn

    from proscribe.api.logs import uvicorn_log_config
    from proscribe.api.metrics import MULTIPROC_ENV
    from proscribe.api.settings import load_settings
    from proscribe.screening import load_index

    app_ctx = context(ctx)
    os.environ["PROSCRIBE_HOME"] = str(app_ctx.settings.home)
    os.environ["PROSCRIBE_DATABASE_URL"] = app_ctx.settings.database_url
    os.environ["PROSCRIBE_API_WORKERS"] = str(workers)
    settings = load_settings()  # a bad config file or variable stops here, before any worker starts
    _index, status = load_index(app_ctx.settings, app_ctx.engine)
    del _index
    if status.entities == 0:
        stderr.print("warning: no lists are loaded; /readyz answers 503 until `proscribe lists update` runs")
    metrics_dir = None
    if workers > 1 and not os.environ.get(MULTIPROC_ENV):
        metrics_dir = tempfile.mkdtemp(prefix="proscribe-metrics-")
        os.environ[MULTIPROC_ENV] = metrics_dir
    stderr.print(f"serving {status.entities:,} listed entities on http://{host}:{port} with {workers} worker(s)")
    try:
        uvicorn.run(
            APP, factory=True, host=host, port=port, workers=workers, access_log=False, server_header=False,
            log_config=uvicorn_log_config(settings.log_level), log_level=settings.log_level,
        )  # fmt: skip
    except OSError as error:
        raise UserError(f"cannot listen on {host}:{port}: {error.strerror or error}") from error
    finally:
        if metrics_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)
