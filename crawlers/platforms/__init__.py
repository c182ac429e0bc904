"""Platform modules: one per portal product, plus generic selectors, feeds and trafilatura.

``PLATFORMS`` maps a unit's ``platform`` name (the names of :mod:`domain.platforms`,
plus ``generic``) to the module of the same name; :func:`get_platform` looks one up.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from domain.platforms import PLATFORM_NAMES

PLATFORMS: dict[str, ModuleType] = {
    name: import_module(f"crawlers.platforms.{name}") for name in (*PLATFORM_NAMES, "generic")
}


def get_platform(name: str) -> ModuleType:
    """The platform module called ``name``; ValueError naming the known ones otherwise."""
    try:
        return PLATFORMS[name]
    except KeyError:
        raise ValueError(f"unknown platform {name!r} (known: {', '.join(PLATFORMS)})") from None
