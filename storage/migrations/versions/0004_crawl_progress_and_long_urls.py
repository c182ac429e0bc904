"""crawl progress (pending entries) and URL columns as text

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 16:50:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# (table, column, nullable, old length): URLs were varchar(2000) on PostgreSQL while
# SQLite stored any length; both take text now.
URL_COLUMNS = [
    ('articles', 'url', False, 2000),
    ('articles', 'canonical_url', False, 2000),
    ('raw_pages', 'url', False, 2000),
    ('http_cache', 'url', False, 2000),
    ('units', 'homepage', False, 1000),
    ('units', 'moved_to', True, 1000),
]


def upgrade() -> None:
    op.create_table('pending_entries',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=300), nullable=False),
    sa.Column('list_date', sa.String(length=100), nullable=True),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('listed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_index('ix_pending_entries_unit_id', 'pending_entries', ['unit_id'], unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        return  # SQLite never enforced the lengths; rebuilding the tables would gain nothing
    for table, column, nullable, length in URL_COLUMNS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(column, existing_type=sa.String(length=length),
                                  type_=sa.Text(), existing_nullable=nullable)


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        _narrow()
    op.drop_index('ix_pending_entries_unit_id', table_name='pending_entries')
    op.drop_table('pending_entries')


def _narrow() -> None:
    for table, column, nullable, length in URL_COLUMNS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(column, existing_type=sa.Text(),
                                  type_=sa.String(length=length), existing_nullable=nullable)
