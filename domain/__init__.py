"""The domain core: units, provinces and topics, the article record, Vietnamese text forms,
the time zone and the platform names. It imports nothing else of vnfeeds."""
