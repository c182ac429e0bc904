"""vnfeeds: replicas."""
