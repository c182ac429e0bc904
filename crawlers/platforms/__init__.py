"""vnfeeds: crawlers/platforms."""
