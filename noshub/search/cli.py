"""`noshub search`. Models are imported inside commands."""

COMMANDS: list = []
