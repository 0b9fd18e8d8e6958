"""Click helpers shared by every app's command module (`<app>/cli.py`): old command names kept
as hidden aliases for one release.

An alias runs the new command with the same arguments after a one-line notice on stderr
naming the new command, so scripts keep working and say what to change. No Django here.
"""

from __future__ import annotations

import click


def notice(old: str, new: str) -> None:
    click.echo(f"'{old}' is deprecated and will be removed in the next release: use '{new}'.", err=True)


def deprecated_alias(command: click.Command, old: str, new: str) -> click.Command:
    """A hidden command named by the last word of `old` that prints the notice and runs `command`.

    `old` and `new` are full command lines as a user types them ("noshub decide")."""

    def run(**kwargs):
        notice(old, new)
        return click.get_current_context().invoke(command.callback, **kwargs)

    return click.Command(
        name=old.split()[-1],
        callback=run,
        params=command.params,
        help=f"Deprecated: use '{new}'.",
        short_help=f"Deprecated: use '{new}'.",
        hidden=True,
    )


class GroupWithDeprecatedDefault(click.Group):
    """A group that was once a command: when the first argument names none of its commands
    (an option, or nothing at all), it runs `default` after the deprecation notice."""

    def __init__(self, *args, default: tuple[str, str, str], **kwargs) -> None:
        # default: (the command to run, the old command line, the new one)
        kwargs.setdefault("context_settings", {"ignore_unknown_options": True})
        super().__init__(*args, **kwargs)
        self.default = default

    def _run_default(self, args: list[str]) -> list[str]:
        name, old, new = self.default
        notice(old, new)
        return [name, *args]

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args and not ctx.resilient_parsing:
            args = self._run_default(args)
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        if args and args[0].startswith("-") and args[0] not in self.commands:
            args = self._run_default(args)
        return super().resolve_command(ctx, args)
