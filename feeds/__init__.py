"""Feeds: building and rendering RSS/Atom/JSON Feed and OPML, the feed tree, cache, export, WebSub."""
