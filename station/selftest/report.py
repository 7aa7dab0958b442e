"""What ``station check`` found: one :class:`Item` per step (OK, FAILED or
SKIPPED, with what was seen and, on a failure, what to check) in a
:class:`Report`: its summary table, its last line and its exit code."""

from __future__ import annotations

from dataclasses import dataclass, field

OK, FAILED, SKIPPED = "OK", "FAILED", "SKIPPED"


@dataclass(frozen=True)
class Item:
    """One line of the summary. ``status``: OK, FAILED or SKIPPED;
    ``detail``: what was seen, or why it failed / was skipped."""

    name: str
    status: str
    detail: str = ""


@dataclass
class Report:
    """Every step's :class:`Item`, in order. ``stopped``: why the check was cut
    short (Esc, SIGINT...), or None."""

    items: list[Item] = field(default_factory=list)
    stopped: str | None = None

    def item(self, name: str) -> Item:
        """The item called ``name``; KeyError naming it and the known ones."""
        for it in self.items:
            if it.name == name:
                return it
        raise KeyError(f"no check item {name!r}; items: {', '.join(i.name for i in self.items)}")

    @property
    def failed(self) -> list[Item]:
        return [it for it in self.items if it.status == FAILED]

    @property
    def exit_code(self) -> int:
        """0 when every item is OK or SKIPPED; 1 if one failed or the check
        was stopped before the end."""
        return 1 if self.failed or self.stopped else 0

    def table(self) -> str:
        """The summary as aligned plain text, one item per line."""
        width = max([len(it.name) for it in self.items] + [5])
        lines = [f"{'check':<{width}}  {'result':<7}  detail", "-" * (width + 30)]
        for it in self.items:
            lines.append(f"{it.name:<{width}}  {it.status:<7}  {it.detail}".rstrip())
        if self.stopped:
            lines.append(f"check stopped: {self.stopped}")
        lines.append(self.verdict())
        return "\n".join(lines)

    def verdict(self) -> str:
        """The last line: "all good" only when every item is OK; the items
        not checked are named (why is on their own line, said once)."""
        failed = len(self.failed)
        skipped = [it.name for it in self.items if it.status == SKIPPED]
        not_checked = f"not checked: {', '.join(skipped)}" if skipped else ""
        if failed:
            return f"{failed} item(s) failed" + (f"; {not_checked}" if skipped else "")
        if self.stopped:
            return "not finished"
        if skipped:
            return f"nothing failed; {not_checked} (why: on their lines above)"
        return "all good"
