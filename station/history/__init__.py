"""The training history: one crash-safe sqlite3 file.

- :mod:`.store`: :class:`~.store.History`, what the station records a set
  through and reads it from (the session being recorded, effects to rows);
  :func:`~.store.open_history`.
- :mod:`.file`: one open file: opening, ``PRAGMA quick_check``, WAL with
  ``synchronous=FULL``, every write one transaction (the recorder's batches),
  turning off on a failed write.
- :mod:`.recording`: the SQL of a session's events (bouts, reps, cues,
  notes, the end, cue lateness, the not-training mark).
- :mod:`.read`: reading the file back into JSON-ready values.
- :mod:`.schema`: the schema and its forward migrations.
- :mod:`.guard`: the checks before sqlite touches a file, the errors, and
  :class:`~.guard.NullHistory` that records nothing.
"""
