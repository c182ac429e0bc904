"""vnfeeds: crawlers."""
