"""What can be wrong with a config file.

:class:`ConfigError` is the public error (one line naming the file, the line,
the key path and what was expected versus found); :class:`Problem` is one
problem at a key path while the file is read, which
:func:`station.config.parse.parse_config` turns into ConfigErrors once it
knows their lines. Every section reader (:mod:`~station.config.sections`,
:mod:`~station.config.net`) raises or collects Problems.
"""

from __future__ import annotations


class ConfigError(ValueError):
    """A config file that cannot be used. ``str()`` is one line:
    ``<file>:<line>: <key path>: <expected, found>`` (line and key path are left
    out when unknown). The parts are kept as ``file``, ``line``, ``key``,
    ``problem``."""

    def __init__(self, file: str, line: int | None, key: str | None, problem: str) -> None:
        self.file, self.line, self.key, self.problem = file, line, key, problem
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {key}: {problem}" if key else f"{where}: {problem}")
        #: every problem found in the file, in file order (this one first)
        self.errors: tuple[ConfigError, ...] = (self,)


class Problem(Exception):
    """One thing wrong, at ``path`` (TOML key parts). Raised where a whole
    entry cannot be read on; otherwise appended to the problems list and
    the default used, so that every problem in a file is found."""

    def __init__(self, path: tuple[str, ...], text: str) -> None:
        super().__init__(text)
        self.path, self.text = path, text
