"""Platform modules: one per portal product, plus generic selectors, feeds and trafilatura.

``PLATFORMS`` maps a unit's ``platform`` name (and ``generic``) to its module;
:func:`get_platform` looks one up.
"""

from __future__ import annotations

from types import ModuleType

from crawlers.platforms import (
    aspnet,
    feed,
    generic,
    liferay62,
    liferay_cmsview,
    liferay_comsoft,
    nukeviet,
    selectors,
    sharepoint,
)

PLATFORMS: dict[str, ModuleType] = {
    mod.NAME: mod
    for mod in (
        liferay_cmsview,
        liferay_comsoft,
        liferay62,
        nukeviet,
        sharepoint,
        aspnet,
        selectors,
        feed,
        generic,
    )
}


def get_platform(name: str) -> ModuleType:
    """The platform module called ``name``; ValueError naming the known ones otherwise."""
    try:
        return PLATFORMS[name]
    except KeyError:
        raise ValueError(f"unknown platform {name!r} (known: {', '.join(PLATFORMS)})") from None
