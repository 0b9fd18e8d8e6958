"""`noshub project …` and `noshub review …`: the NOS lifecycle. Models are imported inside commands."""

COMMANDS: list = []
