"""A bound on request bodies: the site's forms are small, so a large body is refused early.

Starlette reads a whole form body into memory before parsing it; without a bound one
request could make the server hold gigabytes. ``BodyLimit`` answers ``413`` when the
declared ``Content-Length`` is over the limit, and otherwise reads a body of up to the
limit itself (also a chunked one) before the app sees it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["MAX_BODY", "BodyLimit"]

#: The largest request body accepted (bytes): a login or review form is well under 4 KiB.
MAX_BODY = 64 * 1024


async def _refuse(send: Send, limit: int) -> None:
    body = f"request body too large (at most {limit} bytes)\n".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """ASGI middleware: request bodies of at most ``max_bytes``, else 413."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        for k, v in scope["headers"]:
            if k == b"content-length":
                raw = v.decode("latin-1").strip()
                if not raw.isdigit() or len(raw) > 12 or int(raw) > self.max_bytes:
                    await _refuse(send, self.max_bytes)
                    return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away: let the app see that
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_bytes:
                await _refuse(send, self.max_bytes)
                return
            if not message.get("more_body", False):
                break
        replay: list[Message] = [
            {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        ]

        async def replayed() -> Message:
            return replay.pop() if replay else await receive()

        await self.app(scope, replayed, send)
