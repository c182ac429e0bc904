"""vnfeeds: tests."""
