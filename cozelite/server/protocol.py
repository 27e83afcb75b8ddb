"""uvicorn's HTTP/1.1 (h11) protocol with the server's limits enforced on every connection.

uvicorn bounds only the idle time between kept-alive requests: a client that connects and sends
nothing, or sends its headers or body a byte at a time, holds a connection (and a descriptor)
forever, and nothing bounds how many it may hold. This subclass adds, per connection:

- a header deadline, armed at accept and at the first byte of each later request, cleared when the
  request's headers are complete: 408 and close when it passes;
- a body deadline from the end of the headers to the end of the body: 408 (or a plain close once
  the response has started) when it passes, and the application sees a disconnect;
- a write deadline while the transport's buffer is full (a client that does not read): abort;
- a connection limit: when the table is full, the connection idle the longest (no request in
  progress) is closed to make room, so idle and slow clients can never lock normal ones out; with
  every connection busy the new one gets 503 and is closed.

It relies on these H11Protocol members (checked by tests/security/test_http_limits.py against the
real server): connection_made, handle_events, on_response_complete, connection_lost,
pause_writing/resume_writing, and the attributes connections, cycle, conn, transport, loop.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from cozelite.server.limits import ServerLimits, effective_max_connections


def _raw_response(status: int, reason: str) -> bytes:
    """A complete, closing response written before (or instead of) reading a request."""
    return (f"HTTP/1.1 {status} {reason}\r\ncontent-type: text/plain; charset=utf-8\r\n"
            f"content-length: {len(reason)}\r\nconnection: close\r\n\r\n{reason}").encode("ascii")


class GuardedH11Protocol(H11Protocol):
    limits: ClassVar[ServerLimits] = ServerLimits()
    max_connections: ClassVar[int] = ServerLimits().max_connections

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.timeout_keep_alive = self.limits.keepalive_timeout  # type: ignore[assignment]
        self._deadline: asyncio.TimerHandle | None = None  # the header or the body deadline
        self._write_deadline: asyncio.TimerHandle | None = None
        self._busy = False  # a request's headers are in and its response is not complete
        self._idle_since = time.monotonic()

    # --- connection ------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self.limits.header_timeout, self._header_timed_out)
        if len(self.connections) > self.max_connections:
            self._make_room()

    def _make_room(self) -> None:
        idle = [c for c in self.connections
                if isinstance(c, GuardedH11Protocol) and c is not self and not c._busy
                and not c.transport.is_closing()]
        if idle:
            min(idle, key=lambda c: c._idle_since)._close_idle()
            return
        self._cancel()
        self.transport.write(_raw_response(503, "Service Unavailable: too many connections"))
        self.transport.close()

    def _close_idle(self) -> None:
        self._cancel()
        self._unset_keepalive_if_required()
        self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel()
        self._cancel_write()
        super().connection_lost(exc)

    # --- requests ------------------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        if not self._busy and self._deadline is None:
            # The first bytes of the next request on a kept-alive connection: uvicorn's keep-alive
            # timer stops here, the header deadline takes over.
            self._arm(self.limits.header_timeout, self._header_timed_out)
        super().data_received(data)

    def handle_events(self) -> None:
        before = self.cycle
        super().handle_events()
        cycle = self.cycle
        if cycle is None or self.transport.is_closing():
            return
        if cycle is not before:  # a request's headers are complete
            self._busy = True
            self._cancel()
            if cycle.more_body:
                self._arm(self.limits.body_timeout, self._body_timed_out)
        elif self._deadline is not None and self._busy and not cycle.more_body:
            self._cancel()  # the body is complete

    def on_response_complete(self) -> None:
        self._busy = False
        self._idle_since = time.monotonic()
        self._cancel()
        super().on_response_complete()

    def send_400_response(self, msg: str) -> None:
        # A malformed body arrives while the request's application runs: uvicorn would answer 400
        # and leave the application writing its own response into a finished exchange (an h11
        # error and a traceback). The application is told the client is gone instead.
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            cycle.disconnected = True
            cycle.message_event.set()
            if cycle.response_started:  # too late for a 400: just close
                self.transport.close()
                return
        super().send_400_response(msg)

    # --- deadlines -----------------------------------------------------------------------------

    def _arm(self, seconds: float, callback: Any) -> None:
        self._cancel()
        self._deadline = self.loop.call_later(seconds, callback)

    def _cancel(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _header_timed_out(self) -> None:
        self._deadline = None
        if self._busy or self.transport.is_closing():
            return
        self._unset_keepalive_if_required()
        self.transport.write(_raw_response(408, "Request Timeout"))
        self.transport.close()

    def _body_timed_out(self) -> None:
        self._deadline = None
        cycle = self.cycle
        if cycle is None or not cycle.more_body or self.transport.is_closing():
            return
        if not cycle.response_started:
            try:
                headers = [(b"content-length", b"0"), (b"connection", b"close")]
                response = h11.Response(status_code=408, headers=headers, reason=b"Request Timeout")
                self.transport.write(self.conn.send(response) or b"")
                self.transport.write(self.conn.send(h11.EndOfMessage()) or b"")
            except h11.LocalProtocolError:
                pass  # the state machine cannot send one now: closing is answer enough
        # The application, waiting for more body, gets http.disconnect and its sends are dropped.
        cycle.disconnected = True
        cycle.message_event.set()
        self.transport.close()

    # --- slow readers --------------------------------------------------------------------------

    def pause_writing(self) -> None:
        super().pause_writing()
        self._cancel_write()
        self._write_deadline = self.loop.call_later(self.limits.write_timeout, self._write_timed_out)

    def resume_writing(self) -> None:
        self._cancel_write()
        super().resume_writing()

    def _cancel_write(self) -> None:
        if self._write_deadline is not None:
            self._write_deadline.cancel()
            self._write_deadline = None

    def _write_timed_out(self) -> None:
        self._write_deadline = None
        # close() would wait for the buffer to drain, which is what never happens.
        self.transport.abort()


def protocol_class(limits: ServerLimits) -> type[GuardedH11Protocol]:
    """The protocol class uvicorn instantiates per connection, bound to `limits`."""
    return type("GuardedH11Protocol", (GuardedH11Protocol,),
                {"limits": limits, "max_connections": effective_max_connections(limits.max_connections)})
