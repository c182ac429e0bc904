"""vnfeeds: storage."""
