"""station: a rack-side appliance for intensification methods (one big button)."""

__version__ = "0.1.0"
