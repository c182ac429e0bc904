"""vnfeeds: feeds."""
