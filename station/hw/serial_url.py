"""Whether a serial remote's URL can be opened at all: checked in the config
and on the command line, so a typo is a clear error and not a traceback (and
not a crash loop under systemd) when the port is opened.

A device path (``/dev/ttyACM0``, ``/dev/serial/by-id/...``) or one of the
pyserial URL schemes below. Whether the device is there is not checked: an
unplugged remote is normal, and the station retries.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

#: The pyserial URL handlers (``serial.urlhandler.protocol_<scheme>``) a remote can use.
SCHEMES = ("loop", "socket", "rfc2217", "spy", "alt", "hwgrep")
#: The schemes that connect to ``host:port``.
_NETWORK = ("socket", "rfc2217")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def serial_url_problem(url: str) -> str | None:
    """What is wrong with ``url`` (one phrase: "expected ..., found ..."), or
    None when pyserial can try to open it."""
    shown = url if len(url) <= 60 else url[:57] + "..."
    expected = ("expected a device path (/dev/ttyACM0) or a URL "
                + ", ".join(f"{s}://" for s in SCHEMES))
    if not url.strip() or _CONTROL.search(url):
        return f"{expected}, found {shown!r}"
    if "://" not in url:
        return None  # a device path
    scheme = url.split("://", 1)[0].lower()
    if scheme not in SCHEMES:
        return f"{expected}, found the unknown scheme {scheme!r} in {shown!r}"
    if scheme in _NETWORK:
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            port = None
        else:
            if not parts.hostname:
                port = None
        if port is None:
            return f"expected {scheme}://host:port with a port from 0 to 65535, found {shown!r}"
    return None
