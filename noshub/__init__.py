"""NOS Hub: a platform for the UK's National Occupational Standards."""

__version__ = "0.1.0"
