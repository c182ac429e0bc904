"""Every stored page extracts exactly to its expected JSON (``python -m tests.regen_golden``)."""

from __future__ import annotations

import pytest

from tests.platforms.golden import Fixture, dump, fixtures, run

ALL = fixtures()


@pytest.mark.parametrize("fx", ALL, ids=[f.id for f in ALL])
def test_golden(fx: Fixture) -> None:
    assert fx.expected_path.exists(), (
        f"no expected JSON: run python -m tests.regen_golden {fx.platform_dir}"
    )
    assert dump(run(fx)) == dump(fx.expected())
