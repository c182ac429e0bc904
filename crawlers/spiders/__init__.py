"""vnfeeds: crawlers/spiders."""
