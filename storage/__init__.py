"""Storage: SQLAlchemy models, migrations, sessions and repositories."""
