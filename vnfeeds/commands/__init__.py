"""vnfeeds: vnfeeds/commands."""
