"""A local HTTP server on 127.0.0.1 serving whatever a test routes to it: feeds, pages, slow answers."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True, slots=True)
class Answer:
    """What the server sends for one path."""

    body: bytes
    content_type: str = "application/rss+xml"
    delay: float = 0.0  # seconds before answering (a slow page)
    status: int = 200


class LocalServer:
    """Serves `routes` (path -> Answer, or a function of the server giving one) until closed; records requests."""

    def __init__(self, routes: dict[str, Answer | Callable[[LocalServer], Answer]] | None = None) -> None:
        self.routes: dict[str, Answer | Callable[[LocalServer], Answer]] = dict(routes or {})
        self.requests: list[tuple[str, float]] = []  # (path, when it came, monotonic)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                server.requests.append((self.path, time.monotonic()))
                route = server.routes.get(self.path)
                answer = route(server) if callable(route) else route
                if answer is None:
                    answer = Answer(b"not here", "text/plain", status=404)
                time.sleep(answer.delay)
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, *args: object) -> None:
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        self.port = self._http.server_port

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def __enter__(self) -> LocalServer:
        threading.Thread(target=self._http.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.shutdown()
        self._http.server_close()
