"""Pure cleaning functions (no Scrapy): dates, text, HTML and page encodings.

Modules: :mod:`.dates` (Vietnamese date forms → aware datetimes), :mod:`.text`
(display and matching forms), :mod:`.html` (sanitising, URLs, text) and
:mod:`.encodings` (bytes → NFC text, legacy TCVN3/VNI).
"""

from __future__ import annotations
