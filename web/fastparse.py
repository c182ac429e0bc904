"""Recognise one complete, simple GET or HEAD request in raw bytes (``serve``'s hot path).

``web.fastpath`` tries this on the bytes of a ``data_received`` call before handing them
to httptools. It accepts only the narrow shape a feed reader's request has, and says
``None`` for anything else, which then goes through uvicorn's parser unchanged:

* exactly one request, ending the data (``\\r\\n\\r\\n`` last): no pipelined request behind
  it, no partial one, no body bytes;
* ``GET`` or ``HEAD``, an origin-form target of plain characters (no query, fragment or
  percent-escape), ``HTTP/1.1`` or ``HTTP/1.0``;
* well-formed header lines (a token, a colon, visible characters, CRLF; no folding, no bare
  CR or LF), none of which announces a body (``Content-Length``, ``Transfer-Encoding``), an
  ``Expect`` or an ``Upgrade`` (nor ``Connection: upgrade``).

Everything accepted here httptools also accepts (a stricter grammar, checked by the tests
against httptools itself), and the header values kept are the bytes httptools would give
uvicorn (leading blanks dropped, trailing ones kept), so ``web.app.choose`` and
``wants_html`` decide exactly as they do for the ASGI app.
"""

from __future__ import annotations

import re

_REQUEST = re.compile(
    rb"(GET|HEAD) (/[^\x00-\x20\x7f-\xff?#%]*) HTTP/1\.([01])\r\n"
    rb"((?:[-!#$%&'*+.^_`|~0-9A-Za-z]+:[\t\x20-\x7e\x80-\xff]*\r\n)*)\r\n"
)
#: header names the answer depends on (lower case), as uvicorn passes them on
_KEPT = frozenset(
    (b"accept", b"accept-encoding", b"if-none-match", b"if-modified-since", b"connection")
)
#: header names that send a request to uvicorn's own path
_REFUSED = frozenset((b"content-length", b"transfer-encoding", b"expect", b"upgrade"))
_BLANKS = b" \t"
#: longer requests (a browser's cookies, say) take uvicorn's path
MAX_SIZE = 8192


#: a simple request: (HEAD?, path, keep the connection open?, the kept header fields);
#: a plain tuple, not a NamedTuple, whose construction costs a Python call per request
Simple = tuple[bool, str, bool, list[tuple[bytes, bytes]]]


def parse_simple(data: bytes) -> Simple | None:
    """The request when ``data`` is exactly one simple GET/HEAD request, else None."""
    if data[-4:] != b"\r\n\r\n" or len(data) > MAX_SIZE:
        return None
    m = _REQUEST.fullmatch(data)
    if m is None:
        return None
    method, target, minor, block = m.groups()
    headers: list[tuple[bytes, bytes]] = []
    keep_alive = minor == b"1"  # uvicorn closes every HTTP/1.0 connection after its answer
    if block:
        for line in block[:-2].split(b"\r\n"):
            name, _, value = line.partition(b":")
            name = name.lower()
            if name in _KEPT:
                value = value.lstrip(_BLANKS)
                if name == b"connection":
                    tokens = [t.strip(_BLANKS).lower() for t in value.split(b",")]
                    if b"upgrade" in tokens:
                        return None
                    if b"close" in tokens:
                        keep_alive = False
                headers.append((name, value))
            elif name in _REFUSED:
                return None
    return method == b"HEAD", target.decode("ascii"), keep_alive, headers
