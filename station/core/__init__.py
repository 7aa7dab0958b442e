"""The pure core: stdlib only, time always passed in as an argument (seconds)."""
