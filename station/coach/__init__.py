"""``station coach``: the gym's board and one history for the gym (the
optional extra ``coach``). It subscribes to every station under the topic
prefix, keeps every finished set in its own history file (the station's
schema, one row per set id) and serves a read-only live board."""
