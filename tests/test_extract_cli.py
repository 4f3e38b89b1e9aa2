"""`tonghop extract`: one line per figure with FIGURES.md's field names, as JSONL or CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.figure import FIGURE_FIELDS

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SEED = SAMPLES / "004_386d69b07cae7cb5.txt"


def test_extract_jsonl() -> None:
    result = CliRunner().invoke(app, ["extract", str(SEED)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["quote"] for r in rows] == ["3 công trình", "150 cán bộ", "184 cá nhân",
                                          "3 chương trình phối hợp", "14 tổ chức tôn giáo"]
    assert all(list(r) == list(FIGURE_FIELDS) for r in rows)
    assert rows[1]["value"] == "150" and rows[1]["kind"] == "count" and rows[1]["doc"] == SEED.name


def test_extract_csv_several_files() -> None:
    other = SAMPLES / "001_5efdf61d82cdb014.txt"
    result = CliRunner().invoke(app, ["extract", str(SEED), str(other), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == list(FIGURE_FIELDS)
    assert {r["doc"] for r in rows} == {SEED.name, other.name}
    targets = [r for r in rows if r["doc"] == other.name and r["modality"] == "target"]
    assert len(targets) >= 10


def test_extract_rejects_unknown_format() -> None:
    result = CliRunner().invoke(app, ["extract", str(SEED), "--format", "xml"])
    assert result.exit_code != 0


def test_extract_out_csv_has_a_bom_and_missing_files_are_named(tmp_path) -> None:
    out = tmp_path / "figures.csv"
    seed = next(SAMPLES.glob("004_*.txt"))
    result = CliRunner().invoke(app, ["extract", str(seed), "--out", str(out)])
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"quote" in raw.splitlines()[0]
    missing = CliRunner().invoke(app, ["read", str(tmp_path / "khong-co.docx")])
    assert missing.exit_code == 2 and "không tìm thấy tệp / file not found" in missing.output
