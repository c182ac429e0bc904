"""Pure cleaning functions (no Scrapy): dates, HTML and page encodings.

Text forms live in :mod:`domain.text` (display) and :mod:`domain.syllables` (matching).

Modules: :mod:`.dates` (Vietnamese date forms → aware datetimes), :mod:`.html` (sanitising, URLs, text) and
:mod:`.encodings` (bytes → NFC text) with :mod:`.legacy` (TCVN3/VNI).
"""

from __future__ import annotations
