"""The ``[mqtt]`` and ``[coach]`` config sections (the gym network, docs/mqtt.md).

Both are off unless present. They are read with the shared strict reads of
:mod:`~station.config.checks` and stop at their first problem. Secrets (``password``, ``token``) are never part
of an error message or a ``repr``: a wrong value is reported as "<hidden>".
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from station.config.checks import Table, found_text
from station.config.errors import Problem

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_PREFIX = re.compile(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*")
HIDDEN = "<hidden>"


@dataclass(frozen=True)
class MqttConfig:
    """The station's (or the coach's) broker connection.

    ``host``/``port``/``tls``: from ``broker`` (``mqtt://`` plain, ``mqtts://``
    TLS). ``station_id``: this station's topic level (default: the host
    name). ``username``/``password``: broker login (``password`` never shown).
    ``client_cert``/``client_key``: a TLS client certificate instead of or as
    well as a password. ``ca_file``: the CA the broker's certificate is checked
    against ("" = the system's). ``topic_prefix``: topics are
    ``<prefix>/<station_id>/...``. ``athlete``: shown on the board.
    ``home_assistant``: publish Home Assistant discovery under
    ``discovery_prefix``. ``keepalive_s``: MQTT keep-alive, s.
    """

    broker: str
    host: str
    port: int
    tls: bool
    station_id: str
    username: str = ""
    password: str = field(default="", repr=False)
    client_cert: str = ""
    client_key: str = ""
    ca_file: str = ""
    topic_prefix: str = "station"
    athlete: str = ""
    home_assistant: bool = False
    discovery_prefix: str = "homeassistant"
    keepalive_s: int = 30


@dataclass(frozen=True)
class CoachConfig:
    """``station coach``: ``host``/``port`` from ``listen``; ``token``: the
    password for the board, required on any address but loopback (never
    shown); ``db``: the coach's history ("" = the default); ``client_id``:
    the broker session the coach resumes (persistent)."""

    listen: str = "127.0.0.1:8080"
    host: str = "127.0.0.1"
    port: int = 8080
    token: str = field(default="", repr=False)
    db: str = ""
    client_id: str = "station-coach"

    @property
    def loopback_only(self) -> bool:
        return is_loopback(self.host)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _secret(t: Table, key: str) -> str:
    value = t.data.get(key, "")
    if not isinstance(value, str):
        raise Problem(t.path + (key,), f"expected a string, found {HIDDEN}")
    return value


def _file(t: Table, key: str, source: Path | None) -> str:
    value = t.text(key, "")
    if not value:
        return ""
    path = Path(value).expanduser()
    if not path.is_absolute() and source is not None:
        path = source.parent / path
    if not path.is_file():
        raise Problem(t.path + (key,), f"expected a readable file, found no file {str(path)!r}")
    return str(path)


def parse_broker(url: object) -> tuple[str, int, bool] | None:
    """``mqtt://host[:port]`` / ``mqtts://host[:port]`` -> (host, port, tls);
    None when it is not one (credentials in the URL included)."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname or parts.username is not None \
            or parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    tls = parts.scheme == "mqtts"
    return parts.hostname, port or (8883 if tls else 1883), tls


def mqtt_section(data: Mapping[str, object] | None, source: Path | None) -> MqttConfig | None:
    """The ``[mqtt]`` table, or None when the file has none."""
    if data is None:
        return None
    t = Table(data, ("mqtt",), ("broker", "station_id", "username", "password", "client_cert",
                                "client_key", "ca_file", "topic_prefix", "athlete",
                                "home_assistant", "discovery_prefix", "keepalive_s"))
    if not t.has("broker"):
        raise Problem(("mqtt", "broker"), "expected mqtt://HOST:PORT or mqtts://HOST:PORT, found nothing")
    raw = t.data["broker"]
    broker = parse_broker(raw)
    if broker is None:
        shown = HIDDEN if isinstance(raw, str) and "@" in raw else found_text(raw)
        raise Problem(("mqtt", "broker"), "expected mqtt://HOST:PORT or mqtts://HOST:PORT "
                      f"(login in username/password, not the URL), found {shown}")
    host, port, tls = broker
    default_id = re.sub(r"[^A-Za-z0-9_-]", "-", socket.gethostname().split(".")[0])[:64] or "station"
    station_id = t.text("station_id", default_id)
    if not _ID.fullmatch(station_id):
        raise t.fail("station_id", "1-64 letters, digits, '-' or '_' (a topic level)")
    prefix = t.text("topic_prefix", "station")
    if not _PREFIX.fullmatch(prefix):
        raise t.fail("topic_prefix", "topic levels of letters, digits, '-' or '_' joined by '/'")
    discovery = t.text("discovery_prefix", "homeassistant")
    if not _PREFIX.fullmatch(discovery):
        raise t.fail("discovery_prefix", "topic levels of letters, digits, '-' or '_' joined by '/'")
    username, password = t.text("username", ""), _secret(t, "password")
    if password and not username:
        raise Problem(("mqtt", "username"), "expected a username with the password, found nothing")
    cert, key = _file(t, "client_cert", source), _file(t, "client_key", source)
    ca = _file(t, "ca_file", source)
    if (cert or key or ca) and not tls:
        which = "client_cert" if cert else "client_key" if key else "ca_file"
        raise Problem(("mqtt", which), "only with an mqtts:// broker; the broker is mqtt:// (no TLS)")
    if key and not cert:
        raise Problem(("mqtt", "client_cert"), "expected the certificate for client_key, found nothing")
    return MqttConfig(
        broker=f"{'mqtts' if tls else 'mqtt'}://{host}:{port}", host=host, port=port, tls=tls,
        station_id=station_id, username=username, password=password, client_cert=cert,
        client_key=key, ca_file=ca, topic_prefix=prefix, athlete=t.text("athlete", ""),
        home_assistant=t.flag("home_assistant", False), discovery_prefix=discovery,
        keepalive_s=t.whole("keepalive_s", 30, 5, 3600, "a number of seconds"))


def coach_section(data: Mapping[str, object] | None, source: Path | None) -> CoachConfig | None:
    """The ``[coach]`` table, or None when the file has none."""
    if data is None:
        return None
    t = Table(data, ("coach",), ("listen", "token", "db", "client_id"))
    listen = t.text("listen", CoachConfig.listen)
    m = re.fullmatch(r"\[?([^\[\]]+?)\]?:(\d{1,5})", listen)
    if not m or not 1 <= int(m.group(2)) <= 65535:
        raise t.fail("listen", 'HOST:PORT, e.g. "127.0.0.1:8080"')
    host, port = m.group(1), int(m.group(2))
    token = _secret(t, "token")
    if not is_loopback(host) and len(token) < 12:
        raise Problem(("coach", "token"), f"expected a token of 12 or more characters: the board "
                      f"listens on {host}, not only on this machine; found "
                      f"{'one too short' if token else 'nothing'}")
    client_id = t.text("client_id", CoachConfig.client_id)
    if not _ID.fullmatch(client_id):
        raise t.fail("client_id", "1-64 letters, digits, '-' or '_'")
    db = t.text("db", "")
    if db:
        path = Path(db).expanduser()
        if not path.is_absolute() and source is not None:
            path = source.parent / path
        db = str(path)
    return CoachConfig(listen=listen, host=host, port=port, token=token, db=db, client_id=client_id)


def describe(mqtt: MqttConfig | None, coach: CoachConfig | None) -> list[str]:
    """Lines for ``station config check``: what is on, secrets only as "set"."""
    out = []
    if mqtt is not None:
        login = (f", login {mqtt.username}" + (" (password set)" if mqtt.password else "")
                 if mqtt.username else "")
        cert = ", client certificate" if mqtt.client_cert else ""
        ha = ", Home Assistant discovery" if mqtt.home_assistant else ""
        out.append(f"mqtt: {mqtt.broker} as {mqtt.topic_prefix}/{mqtt.station_id}{login}{cert}{ha}")
    if coach is not None:
        out.append(f"coach: board on {coach.host}:{coach.port}"
                   + (" (token set)" if coach.token else " (loopback only, no token)"))
    return out
