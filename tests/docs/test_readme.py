"""The README teaches every command and setting (Datasette's habit: documentation is tested)."""

from __future__ import annotations

import re
from pathlib import Path

import click

from noshub.cli import main

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
SETTINGS = (Path(__file__).resolve().parents[2] / "noshub" / "settings.py").read_text()


def _commands(group: click.Group, prefix: str = "noshub") -> list[str]:
    """Every command line the CLI offers; hidden ones (old names kept for a release) left out."""
    names = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command.hidden:
            continue
        full = f"{prefix} {name}"
        names.append(full)
        if isinstance(command, click.Group):
            names += _commands(command, full)
    return names


def test_every_app_adds_its_commands():
    names = _commands(main)
    for expected in ("noshub load", "noshub search", "noshub soc crosswalk", "noshub duplicates find", "noshub review due"):
        assert expected in names
    assert "noshub decide" not in names and "noshub soc migrate" not in names  # hidden aliases


def test_every_cli_command_is_in_the_readme():
    missing = [c for c in _commands(main) if c not in README]
    assert not missing, f"commands not in README.md: {missing}"


def test_every_environment_setting_is_in_the_readme():
    names = set(re.findall(r"(?:os\.environ\.get|_flag)\(\s*\"([A-Z_]+)\"", SETTINGS))
    assert {"NOSHUB_SECRET_KEY", "NOSHUB_LOCAL_ONLY", "NOSHUB_SECURE_COOKIES"} <= names
    missing = sorted(n for n in names if n not in README)
    assert not missing, f"settings not in README.md: {missing}"


def test_the_readme_starts_with_the_two_commands():
    blocks = re.findall(r"```\n(.*?)\n```", README, re.S)
    assert blocks[0].strip() == "scripts/start" and blocks[1].strip() == "scripts/test"
    assert "scripts/test" in (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text()
