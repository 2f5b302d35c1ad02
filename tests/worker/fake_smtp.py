"""A tiny SMTP server for the worker tests: it records the messages it receives, and can
leave its first connections hanging before the greeting (a mail server that stalls), so a
worker can be killed in the middle of sending."""

from __future__ import annotations

import socket
import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class Received:
    messages: list[bytes] = field(default_factory=list)
    stalled: int = 0


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        server = self.server
        with server.lock:
            stall = server.stall_left > 0
            if stall:
                server.stall_left -= 1
                server.received.stalled += 1
        if stall:
            server.released.wait(60)  # no greeting: the client waits until it is killed
            return
        self.wfile.write(b"220 fake ESMTP\r\n")
        data = None
        for raw in self.rfile:
            line = raw.rstrip(b"\r\n")
            if data is not None:
                if line == b".":
                    with server.lock:
                        server.received.messages.append(b"\n".join(data))
                    data = None
                    self.wfile.write(b"250 queued\r\n")
                else:
                    data.append(line)
                continue
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 fake\r\n")
            elif verb == b"DATA":
                data = []
                self.wfile.write(b"354 go on\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


class FakeSMTP(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, *, stall_first: int = 0):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.stall_left = stall_first
        self.released = threading.Event()
        self.received = Received()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def __enter__(self) -> FakeSMTP:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.released.set()
        self.shutdown()
        self.server_close()

    def handle_error(self, request, client_address) -> None:
        if not isinstance(request, socket.socket):
            super().handle_error(request, client_address)
