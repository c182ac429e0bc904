"""Commands whose issue has not landed yet: listed, documented, and failing clearly."""

from __future__ import annotations

import click


def pending(name: str, summary: str, issue: int) -> click.Command:
    """A command that says which issue delivers it and exits non-zero."""

    @click.command(
        name=name,
        help=f"{summary} (not available yet: delivered by issue {issue}).",
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    )
    def _cmd() -> None:
        raise click.ClickException(f"'vnfeeds {name}' is not available yet (issue {issue})")

    return _cmd
