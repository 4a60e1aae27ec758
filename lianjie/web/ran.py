"""`python -m lianjie.web.ran KIND PARAMETERS`: a cycle or a collect for the site, run as the
command line runs it (a refusal is one line on stderr and exit 2), its whole summary written
to stdout pickled: with the codes a page words in its reader's language, which the --json
contract leaves out. Only the site's own process reads it back."""

from __future__ import annotations

import base64
import json
import pickle
import sys
from typing import Any

import click

from flows.collect import collect_completions
from flows.cycle import quarterly_cycle
from lianjie.cli.runner import run

FLOWS: dict[str, Any] = {"cycle": quarterly_cycle, "collect": collect_completions}


def main(kind: str, parameters: str) -> int:
    try:
        summary = run(lambda: FLOWS[kind](**json.loads(parameters)), quiet=True)
    except click.exceptions.Exit as stopped:  # its one line is on stderr already
        return int(stopped.exit_code)
    sys.stdout.write(base64.b64encode(pickle.dumps(summary)).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
