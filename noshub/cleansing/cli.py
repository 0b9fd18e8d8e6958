"""`noshub duplicates` and `noshub quality`. Models are imported inside commands."""

COMMANDS: list = []
