"""`vnfeeds extract FILE_OR_URL`: one article page as JSON (what the parsers make of it)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import click

from crawlers.platforms import PLATFORMS
from crawlers.settings import DOWNLOAD_MAXSIZE
from crawlers.sniff import NotHtml, check_html
from vnfeeds.context import AppContext


@click.command(name="extract")
@click.argument("source", metavar="FILE_OR_URL")
@click.option(
    "--platform",
    type=click.Choice(sorted(PLATFORMS)),
    help="Parse as this platform (default: detect it from the page).",
)
@click.option("--url", "page_url", help="The page's address, for resolving links in a FILE.")
@click.option(
    "--allow-private",
    is_flag=True,
    help="Allow the URL's own host to be loopback/private (local replicas); never a redirect target.",
)
@click.option("--timeout", type=float, default=20, show_default=True, help="Fetch timeout (s).")
@click.option("--unit", "unit_id", help="Read the page with this unit's platform and selectors.")
@click.option(
    "--sites",
    "sites",
    type=click.Path(path_type=Path),
    help="Unit file or folder holding --unit (default: the global --sites, else shipped units).",
)
@click.pass_context
def cli(
    ctx: click.Context,
    source: str,
    platform: str | None,
    page_url: str | None,
    allow_private: bool,
    timeout: float,
    unit_id: str | None,
    sites: Path | None,
) -> None:
    """Extract one article page and print it as one JSON object.

    FILE_OR_URL is a saved page or an http(s) address. The platform is detected
    unless --platform is given; pages no platform reads fall back to generic
    extraction ("fallback": true). "problems" lists missing fields. With --unit the
    page is read exactly as the crawler reads that unit's pages (its platform and
    every selector it sets, e.g. one written by `vnfeeds sites learn`).
    """
    overrides: dict[str, str] = {}
    if unit_id:
        platform, overrides = _unit_selectors(ctx, unit_id, sites, platform)
    if urlsplit(source).scheme in ("http", "https"):
        from crawlers.fetch import FetchError, fetch

        try:
            page = fetch(source, allow_private=allow_private, timeout=timeout)
        except FetchError as e:
            raise click.ClickException(str(e)) from None
        body, url, encoding = page.body, page_url or page.url, page.encoding
    else:
        path = Path(source)
        if urlsplit(source).scheme not in ("", "file") and not path.exists():
            raise click.ClickException(f"{source}: only http(s) URLs or files can be extracted")
        try:
            with path.open("rb") as fh:
                body = fh.read(DOWNLOAD_MAXSIZE + 1)  # never more than the crawler takes
        except OSError as e:
            raise click.ClickException(f"{source}: {e.strerror or e}") from None
        url, encoding = page_url or path.resolve().as_uri(), None
    try:
        check_html(body, max_bytes=DOWNLOAD_MAXSIZE)
    except NotHtml as e:
        raise click.ClickException(f"{source}: {e}") from None
    from crawlers.extract import extract_page  # the parsers load only for a real page

    article = extract_page(
        body, url, platform=platform, overrides=overrides or None, encoding=encoding
    )
    data = {**article.to_json(), "problems": article.problems}
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _unit_selectors(
    ctx: click.Context, unit_id: str, sites: Path | None, platform: str | None
) -> tuple[str | None, dict[str, str]]:
    """The platform (unless --platform overrides it) and selectors of unit ``unit_id``."""
    from domain.registry import load_registry

    app = ctx.find_object(AppContext)
    source = sites or (app.sites if app else None)
    registry = load_registry(source)
    try:
        unit = registry.unit(unit_id)
    except KeyError as e:
        raise click.ClickException(str(e.args[0])) from None
    chosen = platform or (None if unit.platform == "feed" else unit.platform)
    return chosen, unit.selectors.as_dict()
