"""The portal platforms a unit may name; each has a module in ``crawlers.platforms``."""

from __future__ import annotations

#: A unit's ``platform`` must be one of these (``generic`` is the fallback, not a choice).
PLATFORM_NAMES: tuple[str, ...] = (
    "liferay_cmsview",
    "liferay_comsoft",
    "liferay62",
    "nukeviet",
    "lacviet",
    "sharepoint",
    "aspnet",
    "selectors",
    "feed",
)
