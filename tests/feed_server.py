"""A real HTTP server on 127.0.0.1 for the refresh tests: registered routes, stalls, streams.

Routes are registered per test (``add``); ``/ref/<path>`` serves a file of the
reference folder given to the server, when one is given.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class Route:
    """What one path answers: a body (bytes, or a generator streamed without a length),
    a status, a content type, or a stall (say nothing until released)."""

    def __init__(
        self,
        body: bytes | Callable[[], Iterator[bytes]] = b"",
        status: int = 200,
        content_type: str = "application/json",
        stall: float = 0.0,
    ):
        self.body, self.status, self.content_type, self.stall = body, status, content_type, stall


class FeedServer:
    """An http.server on 127.0.0.1 (free port, own thread) serving registered routes."""

    def __init__(self, reference: Path | None = None):
        self.reference = reference
        self.routes: dict[str, Route] = {}
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # one request per connection, body ends at close

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                route = server.routes.get(self.path)
                if route is None and server.reference and self.path.startswith("/ref/"):
                    file = server.reference / self.path.removeprefix("/ref/")
                    if file.is_file():
                        route = Route(file.read_bytes())
                if route is None:
                    route = Route(b"not found", status=404, content_type="text/plain")
                if route.stall:
                    server.release.wait(route.stall)  # say nothing until released
                    return
                try:
                    self.send_response(route.status)
                    self.send_header("Content-Type", route.content_type)
                    if isinstance(route.body, bytes):
                        self.send_header("Content-Length", str(len(route.body)))
                        self.end_headers()
                        self.wfile.write(route.body)
                    else:  # streamed without a length, generated on the fly
                        self.end_headers()
                        for chunk in route.body():
                            self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should on a huge body

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)

    def start(self) -> FeedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
