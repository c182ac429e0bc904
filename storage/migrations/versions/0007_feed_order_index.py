"""index for the feeds' order: coalesce(published, first_seen), id

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 21:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # feeds.queries orders every feed by this expression, then id: the newest page of a
    # feed of a million articles walks this index and stops at its limit
    op.create_index('ix_articles_sort_at', 'articles',
                    [sa.text('coalesce(published, first_seen)'), 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_articles_sort_at', table_name='articles')
