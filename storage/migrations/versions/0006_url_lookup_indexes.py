"""indexes for the crawl's lookups by URL (dedup's exact duplicates, raw page versions)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 20:10:00
"""
from __future__ import annotations

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # hash indexes on PostgreSQL: equality is all these lookups need, and a B-tree entry
    # cannot hold a URL of several kilobytes (the columns are text since 0004)
    op.create_index('ix_articles_canonical_url', 'articles', ['canonical_url'],
                    unique=False, postgresql_using='hash')
    op.create_index('ix_raw_pages_url', 'raw_pages', ['url'],
                    unique=False, postgresql_using='hash')


def downgrade() -> None:
    op.drop_index('ix_raw_pages_url', table_name='raw_pages')
    op.drop_index('ix_articles_canonical_url', table_name='articles')
