"""Every stored page extracts exactly to its expected JSON (``python -m tests.regen_golden``;
real pages' hand-written JSON is compared field by field and never regenerated)."""

from __future__ import annotations

import pytest

from tests.platforms.golden import Fixture, differences, dump, fixtures, run

ALL = fixtures()


@pytest.mark.parametrize("fx", ALL, ids=[f.id for f in ALL])
def test_golden(fx: Fixture) -> None:
    assert fx.expected_path.exists(), (
        f"no expected JSON: run python -m tests.regen_golden {fx.platform_dir}"
    )
    if fx.hand:
        assert differences(fx, run(fx)) == []
    else:
        assert dump(run(fx)) == dump(fx.expected())
