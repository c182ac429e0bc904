"""vnfeeds: vnfeeds."""
