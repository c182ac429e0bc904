"""Vietnam's time zone, the one every stored and printed date is in."""

from __future__ import annotations

from zoneinfo import ZoneInfo

#: The IANA name, for libraries that take a name (dateparser, APScheduler).
VN_TZ_NAME = "Asia/Ho_Chi_Minh"
#: Asia/Ho_Chi_Minh has kept +07:00 without DST since 1975.
VN_TZ = ZoneInfo(VN_TZ_NAME)
