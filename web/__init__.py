"""The web app: one Starlette app serving the feed tree, login, review and status pages."""
