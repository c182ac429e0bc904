"""vnfeeds: crawlers/cleaning."""
