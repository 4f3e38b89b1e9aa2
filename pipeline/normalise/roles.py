"""What a number is for, beyond its kind: a threshold, an average, a per-unit amount, a stated total.

The cue words are in `figure_roles.yaml`; a figure with a role is never added into a sum line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from pipeline.figure import Figure
from pipeline.normalise.text import fold

ROLES_PATH = Path(__file__).with_name("figure_roles.yaml")
ROLES = ("", "threshold", "average", "per_unit", "total", "of_plan", "excluded")
ROLE_KINDS = {  # which kinds each role applies to: a percent is never summed anyway
    "threshold": ("money", "count", "quantity", "percent", "rate"),
    "average": ("money", "count", "quantity", "percent", "rate"),
    "per_unit": ("money",),
    "total": ("money", "count", "quantity"),
}
ROLE_NAMES = {
    "": "",
    "threshold": "ngưỡng, tiêu chí / threshold",
    "average": "bình quân / average",
    "per_unit": "mức cho mỗi đơn vị / per-unit amount",
    "total": "tổng đã gồm các số khác / total containing the others",
    "of_plan": "tỷ lệ so với kế hoạch / percent of plan",
    "excluded": "không tổng hợp / not to be consolidated",
}


@dataclass(frozen=True, slots=True)
class RoleCues:
    """The cue lists of figure_roles.yaml, folded to lower case."""

    roles: dict[str, tuple[str, ...]]
    per_unit_after: tuple[str, ...]
    complete_parts: tuple[str, ...]
    subset_parts: tuple[str, ...]


@cache
def role_cues(path: Path = ROLES_PATH) -> RoleCues:
    """The officer-edited cue words, read once."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return RoleCues(
        roles={role: tuple(fold(c) for c in cues or []) for role, cues in (data.get("roles") or {}).items()},
        per_unit_after=tuple(fold(c) for c in data.get("per_unit_after") or []),
        complete_parts=tuple(fold(c) for c in data.get("complete_parts") or []),
        subset_parts=tuple(fold(c) for c in data.get("subset_parts") or []),
    )


def has_cue(text: str, cues: tuple[str, ...]) -> bool:
    """A cue as whole words of folded `text` ("bq" never matches inside "bqt")."""
    padded = f" {text} "
    return any(f" {cue} " in padded or f" {cue}:" in padded for cue in cues)


def figure_role(figure: Figure, before: str, after: str) -> str:
    """The role the words around a figure give it, or "" for an ordinary amount or count.

    `before` is the folded clause just before the number, `after` the folded words just after.
    """
    cues = role_cues()
    window = " ".join(before.split()[-6:])  # the cue governs the number only when it is close
    lead = re.match(r"\D*", fold(figure.quote)).group(0).strip()  # "dưới" when the quote holds it
    window = f"{window} {lead}".strip()
    for role in ("threshold", "average", "per_unit", "total"):
        if figure.kind in ROLE_KINDS[role] and has_cue(window, cues.roles.get(role, ())):
            return role
    if figure.kind == "money" and any(after.lstrip().startswith(c) for c in cues.per_unit_after):
        return "per_unit"
    return ""
