"""The last steps of ``station check``: the serial ports present, and the
remote's link (open at its baud rate, HELLO sent) and its button (anything
the remote sends). A remote not open at the start gets up to
:data:`REMOTE_OPEN_MAX_S` s to open."""

from __future__ import annotations

from station.selftest.report import FAILED, OK, SKIPPED
from station.selftest.walk import Walk
from station.ui.view.messages import ShowMessage

#: How long a remote gets to open when it was not open at the start, at most, s.
REMOTE_OPEN_MAX_S = 5.0


class RemoteSteps(Walk):
    """The serial ports and remote steps."""

    def check_ports(self) -> None:
        from station.hw.serial_port import list_ports

        try:
            ports = list_ports()
        except Exception as exc:  # pyserial's port scan can fail on odd systems  # noqa: BLE001
            self._add("serial ports", FAILED, f"could not list serial ports: {exc}")
            return
        self._present(ShowMessage("SERIAL", tuple(ports or ["no serial ports"]), prompt=""))
        if ports:
            self._add("serial ports", OK, ", ".join(ports))
        else:
            self._add("serial ports", SKIPPED, "none found")

    def check_remote(self) -> None:
        remote = self.station.remote
        if remote is None:
            self._add("remote link", SKIPPED, "no --serial URL and no [serial] url in the config")
            return
        url = remote.url
        if not remote.status.connected:
            wait_s = min(self.settings.timeout_s, REMOTE_OPEN_MAX_S)
            self._show("REMOTE", [f"remote on {url} is not open yet", remote.status.detail],
                       f"plug it in (waiting {wait_s:g} s)")
            self._wait_for(lambda: remote.status.connected, wait_s)
        if not remote.status.connected:
            self._add("remote link", FAILED, f"{url}: {remote.status.detail}; check the cable, "
                      "the device name (ls /dev/serial/by-id/) and [serial] url")
            self._add("remote button", SKIPPED, "the link is not open")
            return
        self._add("remote link", OK, f"{url} open at {remote.baud} baud, HELLO sent")
        if self._remote_seen is None:
            self._show("REMOTE", [f"remote on {url}"],
                       f"press the remote's button ({self.settings.timeout_s:g} s)")
            self._wait_for(lambda: self._remote_seen is not None, self.settings.timeout_s)
        if self._remote_seen is not None:
            self._add("remote button", OK, f"{self._remote_seen} from the remote")
        else:
            self._add("remote button", FAILED,
                      f"nothing from the remote in {self.settings.timeout_s:g} s: check TX/RX "
                      f"are crossed, GND is shared and the remote runs at {remote.baud} baud")
