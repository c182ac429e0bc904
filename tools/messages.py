"""The user-facing strings of the pages, as Babel extracts them from templates and code.

``python -m tools.messages`` prints the msgids no catalogue (``feeds/locale/*/…/vnfeeds.po``)
translates yet; the i18n test uses :func:`extract` to check every catalogue is complete.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir

ROOT = Path(__file__).resolve().parent.parent
#: where page strings live: templates (Jinja, XSLT) and the web modules' Python
SOURCES = {
    "feeds/templates": [("**.html", "jinja2"), ("**.xsl", "jinja2")],
    "web/templates": [("**.html", "jinja2")],
    "web": [("*.py", "python")],
}
OPTIONS = {
    "**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"},
    "**.xsl": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"},
}
KEYWORDS = {"_": None, "gettext": None, "_g": None}  # _g: web.reasons


def extract() -> dict[str, list[str]]:
    """msgid -> the places it appears (``path:line``)."""
    found: dict[str, list[str]] = {}
    for folder, method_map in SOURCES.items():
        base = ROOT / folder
        for filename, lineno, message, _comments, _ctx in extract_from_dir(
            str(base), method_map, OPTIONS, keywords=KEYWORDS
        ):
            if isinstance(message, str) and message:
                found.setdefault(message, []).append(f"{folder}/{filename}:{lineno}")
    return found


def main() -> int:
    """Print untranslated msgids per catalogue; exit 1 if there are any."""
    from babel.messages.pofile import read_po

    from feeds.i18n import LANGUAGES, catalogue_path

    missing = 0
    msgs = extract()
    for lang in LANGUAGES:
        with catalogue_path(lang).open("rb") as f:
            cat = read_po(f)
        for msgid, where in sorted(msgs.items()):
            entry = cat.get(msgid)
            if entry is None or not entry.string:
                missing += 1
                print(f"{lang}: {msgid!r} ({where[0]})")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
