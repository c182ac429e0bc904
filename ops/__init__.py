"""Operations: the crawl scheduler, jobs and locks, health states, alerts, metrics, publishing."""
