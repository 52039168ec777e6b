"""Recorded Decidim and CONSUL GraphQL answers (tests/webapp/data/), served by a real HTTP
server on 127.0.0.1 so that the app's own client talks to it: no network is ever used.

Routes of the server (all POST, GraphQL over JSON):
- ``/decidim/api``: ``state.decidim`` names the recorded answer (a file in data/);
- ``/consul/graphql``: the two recorded pages, chosen by the ``after`` cursor;
- ``/not-json``: a 200 answer that is HTML; ``/server-error``: HTTP 502.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
CONSUL_PAGES = {None: "consul_proposals_page1.json", "MjU": "consul_proposals_page2.json"}


def recorded(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@dataclass
class PlatformState:
    url: str = ""
    decidim: str = "decidim_proposals.json"
    requests: list[dict[str, Any]] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    state: PlatformState

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        self.state.requests.append({"path": self.path, **body})
        if self.path == "/decidim/api":
            self._send(200, json.dumps(recorded(self.state.decidim)).encode())
        elif self.path == "/consul/graphql":
            variables = body.get("variables") or {}
            if variables.get("first") != 25:
                self._send(200, b'{"errors": [{"message": "first must be 25"}]}')
                return
            page = CONSUL_PAGES.get(variables.get("after"))
            self._send(200, json.dumps(recorded(page)).encode() if page else b'{"data": null}')
        elif self.path == "/not-json":
            self._send(200, b"<html><body>Welcome to our site</body></html>", "text/html")
        else:
            self._send(502, b"Bad gateway", "text/plain")

    def _send(self, status: int, payload: bytes, kind: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output quiet


@contextmanager
def platform_server() -> Iterator[PlatformState]:
    """A local server answering like Decidim and CONSUL; ``state.url`` is its root."""
    state = PlatformState()
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
