"""The training history: one crash-safe sqlite3 file (:mod:`.store`), its
schema and migrations, reading it back into plain values, and what keeps a bad
file from stopping a set (:mod:`.guard`)."""
