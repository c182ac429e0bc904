"""vnfeeds: ops."""
