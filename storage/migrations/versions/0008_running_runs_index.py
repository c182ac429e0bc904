"""index of the crawl runs still marked running (the leader sweeps them)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 00:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

RUNNING = sa.text("status = 'running'")


def upgrade() -> None:
    # ops.deadruns looks for running runs every few seconds; the table keeps every run
    op.create_index('ix_crawl_runs_running', 'crawl_runs', ['unit_id'], unique=False,
                    sqlite_where=RUNNING, postgresql_where=RUNNING)


def downgrade() -> None:
    op.drop_index('ix_crawl_runs_running', table_name='crawl_runs')
