"""A local SMTP server in its own process for the dispatch benchmark: it counts what arrives.

python -m bench.smtp_sink PORT COUNTS_FILE [PER_CONNECTION]

It keeps the Message-ID of every e-mail, so that the benchmark can tell a lost message from a
doubled one, and, like real servers, hangs up a connection after PER_CONNECTION messages (0: no
limit) to exercise the sender's reconnection. On SIGTERM it writes the counts as JSON and ends.
"""

from __future__ import annotations

import json
import signal
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from harness.servers import HangingUp

ID = b"Message-ID:"


class Counting(HangingUp):
    def __init__(self, per_connection: int) -> None:
        super().__init__(per_connection)
        self.ids: Counter[bytes] = Counter()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content: bytes = envelope.original_content or envelope.content
        start = content.find(ID)
        end = content.find(b"\r\n", start)
        self.ids[content[start + len(ID) : end].strip()] += 1
        session.delivered = getattr(session, "delivered", 0) + 1
        return "250 OK"


def main() -> None:
    port, counts_file = int(sys.argv[1]), Path(sys.argv[2])
    handler = Counting(int(sys.argv[3]) if len(sys.argv) > 3 else 0)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    signal.sigwait({signal.SIGTERM})
    controller.stop()
    counts_file.write_text(
        json.dumps(
            {
                "received": sum(handler.ids.values()),
                "distinct": len(handler.ids),
                "doubled": sum(1 for n in handler.ids.values() if n > 1),
                "connections": handler.connections,
            }
        )
    )


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    main()
