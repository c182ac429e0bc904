"""vnfeeds: crawlers/replicas."""
