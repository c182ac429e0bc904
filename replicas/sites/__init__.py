"""One renderer module per replica platform.

A renderer module provides ``render_list(ctx, unit, category, page, items, pages)``,
``render_article(ctx, unit, story)`` and ``extra(ctx, unit, path, query)`` (feeds,
sitemaps and other platform-only resources; None when the path is not one of them).
"""

from __future__ import annotations

import importlib
from types import ModuleType

MODULES = {
    "liferay_cmsview": "cmsview",
    "liferay_comsoft": "comsoft",
    "liferay62": "liferay62",
    "nukeviet": "nukeviet",
    "sharepoint": "sharepoint",
    "aspnet": "aspnet",
    "selectors": "custom",
    "feed": "feedsite",
}


def module_for(platform: str) -> ModuleType:
    """The renderer module of a platform."""
    return importlib.import_module(f"replicas.sites.{MODULES[platform]}")
