"""Layers point one way: the library never imports flows/, and the workbook (an export) never
imports the review page; shared words live below both (pipeline/labels.py)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

RULES = [  # (folder whose modules are checked, module prefix they must not import)
    ("pipeline", "flows"),
    ("extractors", "flows"),
    ("pipeline/workbook", "pipeline.review"),
    ("pipeline/workbook", "pipeline.cli"),
    ("extractors", "pipeline.review"),
]


ENTRY_POINTS = {"pipeline/cli.py", "pipeline/bench_flow.py"}  # commands on top of everything: may start flows


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, absolute names (relative imports resolved against its package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                names.add(".".join([*base, node.module] if node.module else base))
            elif node.module:
                names.add(node.module)
    return names


def breaks(name: str, forbidden: str) -> bool:
    return name == forbidden or name.startswith(forbidden + ".")


@pytest.mark.parametrize(("folder", "forbidden"), RULES)
def test_layers_point_one_way(folder: str, forbidden: str) -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / folder).rglob("*.py"))
        if str(path.relative_to(ROOT)) not in ENTRY_POINTS
        for name in sorted(imported_modules(path))
        if breaks(name, forbidden)
    ]
    assert offenders == []


def test_the_checker_sees_an_import(tmp_path: Path) -> None:
    """The rule would catch the import it forbids (the words module did import the review page)."""
    names = imported_modules(ROOT / "pipeline" / "workbook" / "words.py")
    assert "pipeline.labels" in names
    assert breaks("pipeline.review.labels", "pipeline.review")
    assert not breaks("pipeline.reviewer", "pipeline.review")


# What the export's worker processes load: each is a fresh interpreter (spawned) that imports the
# module its function lives in, and five run beside the main process at a province's scale. pandas,
# openpyxl and Alembic would add about 70 MB to each (pipeline/export.py, README: "memory").
EXPORT_WORKER_MODULES = ("pipeline.export", "pipeline.export_lists")
NOT_IN_EXPORT_WORKERS = ("pandas", "numpy", "openpyxl", "alembic")


def test_the_exports_worker_processes_import_neither_pandas_nor_openpyxl_nor_alembic() -> None:
    script = (
        "import sys\n"
        f"for name in {EXPORT_WORKER_MODULES!r}: __import__(name)\n"
        f"print(sorted(m for m in {NOT_IN_EXPORT_WORKERS!r} if m in sys.modules))\n"
    )
    command = [sys.executable, "-c", script]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]", done.stdout
