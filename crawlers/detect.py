"""Which platform a page was made with, from its fingerprints.

Generator meta, portlet ids (``CmsViewPortlet``, ``com_soft_article``, ``_101_`` /
``asset-abstract``), NukeViet markers, SharePoint's ribbon and ``_layouts``, ASP.NET
WebForms markers, and feed/sitemap roots. Pages matching none are ``generic``.
"""

from __future__ import annotations

from parsel import Selector

from crawlers.platforms import (
    aspnet,
    feed,
    lacviet,
    liferay62,
    liferay_cmsview,
    liferay_comsoft,
    nukeviet,
    sharepoint,
)

# Most specific first: LacViet is also SharePoint, SharePoint is also ASP.NET,
# CmsView/com.soft are also Liferay.
ORDER = (
    liferay_cmsview,
    liferay_comsoft,
    liferay62,
    nukeviet,
    lacviet,
    sharepoint,
    aspnet,
    feed,
)


def detect_platform(sel: Selector, url: str = "") -> str:
    """The name of the first platform whose fingerprints the page carries, else ``generic``."""
    for mod in ORDER:
        if mod.detect(sel, url):
            return str(mod.NAME)
    return "generic"


def candidates(sel: Selector, url: str = "") -> list[str]:
    """Every platform whose fingerprints match, most specific first (for ``sites probe``)."""
    return [str(mod.NAME) for mod in ORDER if mod.detect(sel, url)]
