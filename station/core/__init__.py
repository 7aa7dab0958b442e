"""The pure core: stdlib only, time always passed in as an argument (seconds).

Importing any part of it registers the training methods
(:mod:`station.core.methods`), so a lookup by method name (a load rule, a
spec) works whichever core module was imported first.
"""

from . import methods as _methods  # noqa: F401  (registers the methods' load rules)
