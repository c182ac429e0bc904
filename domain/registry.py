"""Units, provinces and topics as data: load TOML files into typed records.

Ops edit TOML, never code. Every error names the file, the unit and the key, and a
broken file never prevents the other files from loading (``load_registry`` collects
the problems instead of raising). The records themselves are :mod:`domain.records`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError

from domain.records import Province, Topic, Unit


@dataclass(frozen=True)
class Problem:
    """One validation error: where (file, unit, key) and why."""

    file: str
    unit: str
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}"
        if self.unit:
            where += f" unit {self.unit!r}"
        if self.key:
            where += f" key {self.key!r}"
        return f"{where}: {self.message}"


@dataclass
class Registry:
    """Everything loaded, plus the problems found on the way."""

    units: dict[str, Unit] = field(default_factory=dict)
    provinces: dict[str, Province] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def unit_on_host(self, netloc: str, but: str = "") -> str | None:
        """The id of a unit (other than ``but``) one of whose start URLs is on ``netloc``."""
        for unit in self.units.values():
            if unit.id != but and any(urlsplit(s.url).netloc == netloc for s in unit.start):
                return unit.id
        return None

    def enabled_units(self) -> list[Unit]:
        """Units that are enabled, in id order."""
        return [u for _, u in sorted(self.units.items()) if u.enabled]

    def province_units(self, province_id: str) -> list[Unit]:
        """Units of a province and of every province that merged into it."""
        members = {province_id} | {
            p.id for p in self.provinces.values() if self.root_province(p.id) == province_id
        }
        return [u for _, u in sorted(self.units.items()) if u.province in members]

    def root_province(self, province_id: str) -> str:
        """Follow successors to the province that exists today."""
        seen: set[str] = set()
        cur = province_id
        while cur in self.provinces and self.provinces[cur].successor and cur not in seen:
            seen.add(cur)
            cur = self.provinces[cur].successor or cur
        return cur

    def unit(self, unit_id: str) -> Unit:
        """The unit with this id; KeyError naming the id and the known ones."""
        try:
            return self.units[unit_id]
        except KeyError:
            raise KeyError(
                f"unknown unit {unit_id!r} (known: {', '.join(sorted(self.units))})"
            ) from None


def _key_of(loc: Iterable[Any]) -> str:
    return ".".join(str(p) for p in loc)


def _validate(
    model: type[BaseModel], raw: Any, file: str, label: str, problems: list[Problem]
) -> Any | None:
    if not isinstance(raw, dict):
        problems.append(Problem(file, label, "", "must be a table"))
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as e:
        for err in e.errors():
            problems.append(Problem(file, label, _key_of(err["loc"]), err["msg"]))
        return None


def _read_toml(path: Path, problems: list[Problem]) -> dict[str, Any] | None:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as e:
        problems.append(Problem(str(path), "", "", f"not valid TOML: {e}"))
    except OSError as e:
        problems.append(Problem(str(path), "", "", f"cannot read: {e}"))
    return None


def _load_file(path: Path, reg: Registry) -> None:
    data = _read_toml(path, reg.problems)
    if data is None:
        return
    fname = str(path)
    known = {"unit", "province", "topic"}
    for key in data:
        if key not in known:
            reg.problems.append(
                Problem(fname, "", key, "unknown top-level key (unit, province, topic)")
            )
    for kind, model, store, ident in (
        ("province", Province, reg.provinces, "id"),
        ("topic", Topic, reg.topics, "slug"),
        ("unit", Unit, reg.units, "id"),
    ):
        entries = data.get(kind, [])
        if not isinstance(entries, list):
            reg.problems.append(Problem(fname, "", kind, f"use [[{kind}]] tables"))
            continue
        for i, raw in enumerate(entries):
            label = str(raw.get(ident, f"#{i + 1}")) if isinstance(raw, dict) else f"#{i + 1}"
            rec = _validate(
                model, raw, fname, label if kind == "unit" else f"{kind} {label}", reg.problems
            )
            if rec is None:
                continue
            rid = getattr(rec, ident)
            if rid in store:
                prev = reg.sources.get(f"{kind}:{rid}", "?")
                reg.problems.append(
                    Problem(fname, rid, ident, f"duplicate {kind} id (also in {prev})")
                )
                continue
            store[rid] = rec
            reg.sources[f"{kind}:{rid}"] = fname


def _cross_check(reg: Registry) -> None:
    for uid, u in list(reg.units.items()):
        src = reg.sources.get(f"unit:{uid}", "?")
        if u.province == "TODO":
            reg.problems.append(
                Problem(
                    src,
                    uid,
                    "province",
                    "TODO left by 'sites learn', which could not tell the province from the "
                    "host: set it to a province id from provinces.toml (e.g. 'dak-nong'), "
                    "or pass --province to 'sites learn'",
                )
            )
        elif u.province not in reg.provinces:
            reg.problems.append(Problem(src, uid, "province", f"unknown province {u.province!r}"))
        for cat, slugs in u.topics.items():
            for s in slugs:
                if s not in reg.topics:
                    reg.problems.append(Problem(src, uid, f"topics.{cat}", f"unknown topic {s!r}"))
        if u.successor and u.successor not in reg.units:
            reg.problems.append(Problem(src, uid, "successor", f"unknown unit {u.successor!r}"))
    for pid, p in reg.provinces.items():
        if p.successor and p.successor not in reg.provinces:
            src = reg.sources.get(f"province:{pid}", "?")
            reg.problems.append(
                Problem(src, f"province {pid}", "successor", f"unknown province {p.successor!r}")
            )


def shipped_data_dir() -> Path:
    """The folder of provinces.toml and topics.toml shipped in the package."""
    return Path(str(resources.files("domain") / "data"))


def shipped_units_dir() -> Path:
    """The folder of unit files shipped in the package."""
    return Path(str(resources.files("domain") / "units"))


def _toml_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*.toml") if p.is_file())
    return [path]


def load_registry(sites: Path | str | None = None) -> Registry:
    """Load provinces, topics and units; problems are collected, never raised.

    ``sites`` is a unit file or a folder of them (default: the shipped units). The
    shipped provinces and topics are always loaded first; a sites folder may add
    its own ``provinces``/``topics`` entries.
    """
    reg = Registry()
    for f in _toml_files(shipped_data_dir()):
        _load_file(f, reg)
    target = Path(sites) if sites else shipped_units_dir()
    if not target.exists():
        reg.problems.append(Problem(str(target), "", "", "no such file or folder"))
    else:
        for f in _toml_files(target):
            _load_file(f, reg)
    _cross_check(reg)
    return reg
