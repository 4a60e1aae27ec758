"""The `lianjie` command line: every command runs the same flows the deployments run."""

from __future__ import annotations

import atexit
import gc

from lianjie.cli import admin, documents, families, quarter, server, verify, web
from lianjie.cli.options import app, db_app

# In the order --help lists them.
for command in (
    quarter.cycle,
    quarter.dispatch,
    quarter.collect,
    documents.report,
    documents.sheets,
    documents.record,
    documents.talks,
    families.families,
    admin.export,
    verify.verify,
    admin.demo,
    server.serve,
    server.worker,
    server.schedules,
    server.alerts,
    web.web,
    admin.doctor,
):
    app.command()(command)
db_app.command("upgrade")(admin.db_upgrade)

# Registered before Prefect's exit handlers, so it runs after them: the interpreter's last garbage
# collection over everything Prefect imported took 1.3 s of `lianjie serve`'s stop (3 s on a busy
# machine, past its 5 s promise), to free memory the process is about to give back anyway.
atexit.register(gc.freeze)

__all__ = ["app", "main"]


def main() -> None:  # pragma: no cover
    app()
