"""What every command shares: where the store and the unit data are."""

from __future__ import annotations

import logging

import click

from storage.workspace import Workspace

#: The CLI's context object is the workspace its global flags name.
AppContext = Workspace

pass_app = click.make_pass_decorator(AppContext)


def setup_logging(verbose: int) -> None:
    """One line per event; -v for info (and library warnings), -vv for debug."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.root.setLevel(level)
    # Libraries' warnings (deprecations and the like) are for developers: shown with -v only.
    logging.captureWarnings(True)
    logging.getLogger("py.warnings").setLevel(logging.WARNING if verbose else logging.ERROR)
    # Scrapy lowers the root logger's level; the handler keeps ours.
    for handler in logging.root.handlers:
        handler.setLevel(level)
