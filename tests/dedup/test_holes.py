"""The ids a catch-up skipped over (``dedup.holes``)."""

from __future__ import annotations

from dedup.holes import MAX_AGE, MAX_HOLES, SPAN, IdHoles


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_skipped_ids_are_kept_until_they_turn_up() -> None:
    holes = IdHoles(Clock())
    holes.note(10, 15, seen=[12, 15])
    assert holes.pending() == [11, 13, 14]
    assert holes.pending(skip=13) == [11, 14]
    holes.filled([11, 14])
    assert holes.pending() == [13]
    holes.note(15, 16)  # the next id: nothing skipped
    holes.note(16, 16)
    assert holes.pending() == [13]


def test_old_holes_are_forgotten_as_rolled_back_rows() -> None:
    clock = Clock()
    holes = IdHoles(clock)
    holes.note(0, 3)
    clock.now += MAX_AGE / 2
    holes.note(3, 5)
    assert holes.pending() == [1, 2, 4]
    clock.now += MAX_AGE / 2 + 1
    assert holes.pending() == [4]
    holes.clear()
    assert holes.pending() == []


def test_a_jump_takes_only_the_last_ids_and_the_count_is_capped() -> None:
    clock = Clock()
    holes = IdHoles(clock)
    holes.note(0, 1_000_000)  # a rebuild's jump is not a million holes
    assert len(holes) == SPAN and min(holes.pending()) == 1_000_000 - SPAN
    start = 2_000_000
    for k in range(MAX_HOLES // SPAN + 2):
        clock.now += 1
        holes.note(start + k * 10 * SPAN, start + (k + 1) * 10 * SPAN)
    assert len(holes) == MAX_HOLES
    assert 1_000_000 - SPAN not in holes  # the oldest went first
