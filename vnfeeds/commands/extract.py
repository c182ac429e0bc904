"""`vnfeeds extract FILE_OR_URL`: one article page as JSON (what the parsers make of it)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import click

from crawlers.extract import extract_page
from crawlers.fetch import FetchError, fetch
from crawlers.platforms import PLATFORMS
from crawlers.settings import DOWNLOAD_MAXSIZE
from crawlers.sniff import NotHtml, check_html


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
    help="Allow fetching from loopback/private networks (local replicas).",
)
@click.option("--timeout", type=float, default=20, show_default=True, help="Fetch timeout (s).")
def cli(
    source: str, platform: str | None, page_url: str | None, allow_private: bool, timeout: float
) -> None:
    """Extract one article page and print it as one JSON object.

    FILE_OR_URL is a saved page or an http(s) address. The platform is detected
    unless --platform is given; pages no platform reads fall back to generic
    extraction ("fallback": true). "problems" lists missing fields.
    """
    if urlsplit(source).scheme in ("http", "https"):
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
    article = extract_page(body, url, platform=platform, encoding=encoding)
    data = {**article.to_json(), "problems": article.problems}
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
