"""The `lianjie` command line: every command runs the same flows the deployments run."""

from __future__ import annotations

from lianjie.cli import admin, documents, quarter
from lianjie.cli.options import app, db_app

# In the order --help lists them.
for command in (
    quarter.cycle,
    quarter.dispatch,
    quarter.collect,
    documents.report,
    documents.sheets,
    documents.record,
    admin.export,
    admin.demo,
    admin.serve,
    admin.doctor,
):
    app.command()(command)
db_app.command("upgrade")(admin.db_upgrade)

__all__ = ["app", "main"]


def main() -> None:  # pragma: no cover
    app()
