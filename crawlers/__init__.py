"""The Scrapy project: the units spider, platform parsers, cleaning, extraction, probing."""
