"""`noshub soc …`: SOC 2020 alignment. Models are imported inside commands (Django is set up by then)."""

import click


@click.group(name="soc")
def soc() -> None:
    """Align NOS to SOC 2020: migrate SOC 2010 codes, suggest codes, review, report."""


COMMANDS = [soc]
