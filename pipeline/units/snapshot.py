"""Everything the gazetteer derives from the packages, kept as one JSON file in the user's cache.

Reading the packages' data and folding 14,000 names takes 0.3-0.5 s on an idle machine and
several seconds on a busy one; reading the snapshot takes a tenth of that. The file name holds a
hash of the package versions and of the code and language data that shape the keys, so an
upgrade or an edit of kinds.yaml rebuilds it. Set TONGHOP_CACHE_DIR to move it, or to an empty
string to never write one.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.units import sources
from pipeline.units.model import AdminUnit
from pipeline.units.names import ascii_key, name_key

FORMAT = 1
# What shapes a snapshot besides the package data: a change to any of these rebuilds it.
SHAPING = [
    *sorted(Path(__file__).parent.glob("*.py")),
    Path(__file__).with_name("kinds.yaml"),
    Path(__file__).parents[1] / "matching.py",
]


@dataclass(frozen=True, slots=True)
class Snapshot:
    versions: dict[str, str]
    units: list[AdminUnit]
    successors: dict[str, tuple[str, ...]]  # old code -> new codes, default first
    name_keys: list[str]  # name_key(unit.name), one per unit
    ascii_keys: list[str]  # ascii_key(unit.name), one per unit
    lines: list[str]  # "xa nghia ky, huyen tu nghia, tinh quang ngai", one per unit


def build() -> Snapshot:
    """Read the packages and fold every name (the slow path)."""
    data = sources.load()
    by_code = {u.code: u for u in data.units}
    plain_full = {u.code: ascii_key(u.full_name) for u in data.units}
    lines = []
    for unit in data.units:
        chain = [unit.code]
        while by_code[chain[-1]].parent:
            chain.append(by_code[chain[-1]].parent)
        lines.append(", ".join(plain_full[c] for c in chain))
    return Snapshot(
        data.versions,
        list(data.units),
        data.successors,
        [name_key(u.name) for u in data.units],
        [ascii_key(u.name) for u in data.units],
        lines,
    )


def _to_json(snapshot: Snapshot) -> str:
    return json.dumps(
        {
            "format": FORMAT,
            "versions": snapshot.versions,
            "units": [[u.code, u.era, u.level, u.kind, u.name, u.parent] for u in snapshot.units],
            "successors": snapshot.successors,
            "name_keys": snapshot.name_keys,
            "ascii_keys": snapshot.ascii_keys,
            "lines": snapshot.lines,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _from_json(text: str) -> Snapshot:
    data = json.loads(text)
    if data.get("format") != FORMAT:
        raise ValueError("snapshot format")
    return Snapshot(
        data["versions"],
        [AdminUnit(*row) for row in data["units"]],
        {old: tuple(news) for old, news in data["successors"].items()},
        data["name_keys"],
        data["ascii_keys"],
        data["lines"],
    )


def cache_dir() -> Path | None:
    """Where snapshots are kept: $TONGHOP_CACHE_DIR, else $XDG_CACHE_HOME/tonghop, else
    ~/.cache/tonghop; None when TONGHOP_CACHE_DIR is set empty."""
    configured = os.environ.get("TONGHOP_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "tonghop"


def cache_file() -> Path | None:
    """The snapshot file for the installed packages and this code; None when caching is off."""
    folder = cache_dir()
    if folder is None:
        return None
    digest = hashlib.sha256(json.dumps(sources.versions(), sort_keys=True).encode())
    for path in SHAPING:
        digest.update(path.read_bytes())
    return folder / f"units-{digest.hexdigest()[:16]}.json"


def load() -> Snapshot:
    """The snapshot from the cache when there is a fresh one, else built (and cached)."""
    path = cache_file()
    if path is not None and path.is_file():
        try:
            return _from_json(path.read_text(encoding="utf-8"))
        except (ValueError, KeyError, TypeError, OSError):
            pass  # a damaged or older file: rebuild it
    snapshot = build()
    if path is not None:
        _write(path, _to_json(snapshot))
    return snapshot


def _write(path: Path, text: str) -> None:
    """Write atomically (a parallel process never reads half a file); a read-only cache
    directory only costs the rebuild next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False) as f:
            f.write(text)
        try:
            os.replace(f.name, path)
        except OSError:
            os.unlink(f.name)
    except OSError:
        pass
