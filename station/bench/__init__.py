"""``station bench``: timing and cost measurements of the real station, side by side with a peer design."""
