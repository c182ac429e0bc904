"""Numbers read from ``VNFEEDS_*`` environment variables, with errors that name the variable.

An unset or empty variable gives the default; a value that is not a number of the
setting's kind, or is below its least value, is an :class:`EnvError` naming the variable,
its value and what it should be, which the CLI prints as its one error line.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TypeVar

N = TypeVar("N", int, float)

__all__ = ["EnvError", "env_float", "env_int"]


class EnvError(ValueError):
    """An environment variable's value is not what its setting takes."""


def env_int(
    name: str, default: int, *, least: int | None = None, env: Mapping[str, str] | None = None
) -> int:
    """``name`` as a whole number (``default`` when unset or empty), at least ``least``."""
    return _number(name, default, int, "a whole number", least, env)


def env_float(
    name: str,
    default: float,
    *,
    least: float | None = None,
    env: Mapping[str, str] | None = None,
) -> float:
    """``name`` as a number of seconds or the like (``default`` when unset or empty)."""
    return _number(name, default, float, "a number", least, env)


def _number(
    name: str,
    default: N,
    kind: Callable[[str], N],
    what: str,
    least: N | None,
    env: Mapping[str, str] | None,
) -> N:
    raw = (os.environ if env is None else env).get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or value != value:  # not a number, or NaN
        raise EnvError(f"{name}={raw!r}: not {what}")
    if least is not None and value < least:
        raise EnvError(f"{name}={raw!r}: must be at least {least}")
    return value
