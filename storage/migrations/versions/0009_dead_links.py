"""dead links: article links given up, not fetched again for a while

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 13:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'dead_links',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('unit_id', sa.String(length=64), nullable=False),
        sa.Column('url', sa.Text(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('found_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('until', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    op.create_index('ix_dead_links_unit_id', 'dead_links', ['unit_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_dead_links_unit_id', table_name='dead_links')
    op.drop_table('dead_links')
