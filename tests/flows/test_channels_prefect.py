"""A day's dispatch through the four providers on a real Prefect server: the run reads the
receipts, sends by every route, and nothing the server keeps of it (names, parameters, task
runs, artifacts, logs) holds a provider's secret or access token."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.channels import SECRETS, providers_set_up
from harness.pipeline import SEND_ON
from harness.prefect_stored import flow_run_of, stored_once_logged


@pytest.mark.slow
def test_a_dispatch_on_prefect_keeps_no_secret(
    db_url: str, tmp_path: Path, prefect_harness: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.dispatch import daily_dispatch

    with providers_set_up(db_url, tmp_path, monkeypatch) as providers:
        providers.wecom.unknown.add(f"wecom-{providers.readers['wecom']}")  # on to SMS
        first = daily_dispatch(date=SEND_ON, return_state=True)
        again = daily_dispatch(date=SEND_ON, return_state=True)
    summary, second = first.result(), again.result()
    assert summary.accepted > 0 and summary.failed == 0
    assert second.receipts["delivered"] == summary.accepted, "the next dispatch read them"
    assert 0 == second.sent, "nothing twice"
    for fake in (providers.dingtalk, providers.aliyun, providers.tencent):
        assert fake.received, type(fake).__name__
    runs = [flow_run_of(state) for state in (first, again)]
    # The runs' logs reach the server after the runs: read once the receipts' line is there.
    said = "receipts: "
    stored = stored_once_logged(runs, said)
    assert stored["artifacts"] and any(said in line for line in stored["logs"])
    words = (*SECRETS, providers.wecom.token, providers.dingtalk.token)
    found = {
        where: [line for line in lines if any(word in line for word in words)]
        for where, lines in stored.items()
    }
    assert not any(found.values()), json.dumps(found, ensure_ascii=False, indent=1)
