"""Commands for running lianjie on a server: its deployments, their schedules and alerts, and
a worker that stops cleanly."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from core.exceptions import LianjieInputError
from lianjie.cli.runner import run


def serve(
    port: Annotated[
        int, typer.Option(help="Port of the Prefect server started when PREFECT_API_URL is unset.")
    ] = 4200,
) -> None:
    """Serve every deployment with its schedule from this process (no work pool needed).

    With PREFECT_API_URL set, the deployments go to that server; without it, a Prefect server is
    started on 127.0.0.1:PORT for as long as this runs (its UI included). Ctrl-C or SIGTERM stops
    both within seconds.
    """
    from lianjie.serving import serving

    with serving(port) as api_url:

        def serve_until_stopped() -> None:
            from flows.serving import banner, serve_all

            def ready() -> None:  # every deployment registered: the banner's commands work
                for line in banner(api_url):
                    typer.echo(line)

            serve_all(ready)

        try:
            run(serve_until_stopped)
        except typer.Exit as stop:
            if stop.exit_code != 130:  # 130: interrupted, as asked
                raise
    typer.echo("lianjie serve: stopped")


def worker(
    pool: Annotated[str, typer.Option(help="The work pool to take runs from.")] = "lianjie",
    work_queue: Annotated[
        list[str] | None,
        typer.Option(help="Take runs only from this queue of the pool (repeat for several)."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option(help="At most this many runs at once.", min=1)
    ] = None,
) -> None:
    """Run a Prefect worker for the deployments that stops cleanly on SIGTERM.

    SIGTERM or Ctrl-C asks each run in flight to stop: a message being sent is finished and
    marked first, and the run ends Crashed with the reason; run it again (or let the next
    scheduled run come) and it does only what is left. The worker stops after its runs, all
    within 30 s. `prefect worker start` kills its runs outright
    instead: they stay Running in the UI.
    """

    def working() -> int:
        from lianjie.worker import work

        return work(pool, work_queue or [], limit)

    raise typer.Exit(run(working))


def schedules(
    year: Annotated[
        list[int] | None,
        typer.Option(help="Year to compute (repeat for several); default this year and the next."),
    ] = None,
    apply: Annotated[
        bool,
        typer.Option(
            help="Replace the deployments' schedules on the Prefect server (PREFECT_API_URL): "
            "each year's replaces that year's and the cron schedule it stands for."
        ),
    ] = False,
) -> None:
    """Compute the deployments' schedules from the official working calendar.

    The quarterly runs go on each quarter's first working day, the sign-in sheets on working
    days only (no Skipped runs). Run it again once LIANJIE_CALENDAR_OVERRIDES carries the
    State Council's notice for a year that was estimated.
    """

    def computed() -> list[str]:
        from flows.common import settings, today
        from flows.schedules import apply as put_on_server
        from flows.schedules import year_schedules

        config = settings()
        years = year or [today(config).year, today(config).year + 1]
        if bad := [y for y in years if not 2000 <= y <= 2199]:
            raise LianjieInputError(f"year {bad[0]}: give a year from 2000 to 2199")
        planned = year_schedules(config, years)
        lines = [
            f"{p.deployment} {p.year}: {schedule_line(p.schedule)}"
            + (" (estimated: no official holiday notice yet)" if p.estimated else "")
            for p in planned
        ]
        if apply:
            put_on_server(planned)
            lines.append(f"applied to {len({p.deployment for p in planned})} deployments")
        return lines

    for line in run(computed):
        typer.echo(line)


def alerts(
    apply: Annotated[
        bool,
        typer.Option(
            help="Put the alerts on the Prefect server (PREFECT_API_URL), notifying "
            "LIANJIE_ALERT_WEBHOOK_URL; each replaces the one of its name."
        ),
    ] = False,
) -> None:
    """List or apply the alerts of automations.yaml.

    A lianjie run that fails or crashes, and a scheduled run not started 30 minutes after its
    time, notify the organisation department's webhook (a WeCom or DingTalk group robot, or any
    JSON endpoint)."""

    def listed() -> list[str]:
        from flows.alerts import alerts as defined
        from flows.alerts import apply_alerts
        from flows.common import settings

        config = settings()
        planned = defined(config.lang.value)
        lines = [f"{a.name}: {a.description}" for a in planned]
        if apply:
            if config.alert_webhook_url is None:
                raise LianjieInputError(
                    "set LIANJIE_ALERT_WEBHOOK_URL to the webhook the alerts notify "
                    "(a WeCom or DingTalk group robot's address, or any JSON endpoint)"
                )
            apply_alerts(planned, config.alert_webhook_url.get_secret_value())
            lines.append(f"applied {len(planned)} alerts to the Prefect server")
        return lines

    for line in run(listed):
        typer.echo(line)


def schedule_line(schedule: Any) -> str:
    """A year's schedule in a line: its few days, or how many and what the calendar moved."""
    if len(schedule.days) <= 12:
        return ", ".join(f"{d:%m-%d}" for d in schedule.days)
    off = ", ".join(f"{d:%m-%d}" for d in schedule.left_out) or "none"
    worked = ", ".join(f"{d:%m-%d}" for d in schedule.added) or "none"
    return f"{len(schedule.days)} working days; weekdays off: {off}; weekends worked: {worked}"
