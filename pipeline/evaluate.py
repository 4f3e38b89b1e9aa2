"""`make eval`: extract figures from the sample reports and score them against the gold files.

    python -m pipeline.evaluate --gold tests/gold --samples samples [--out output/eval] [--show N]

Writes one predictions JSONL per sample to output/eval/ and prints the scores of the reference
scorer ../shared/tools/score.py (found through $SHARED, ../shared or /work/shared).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from extractors import extract_figures
from pipeline.document import Document, canonical_text
from pipeline.figure import FIGURE_FIELDS

REPO = Path(__file__).resolve().parent.parent


def load_document(path: Path) -> Document:
    """The canonical Document of a sample, through the readers when they are installed."""
    try:
        from pipeline.readers import read_document
    except ImportError:
        raw = path.read_bytes()
        return Document(
            text=canonical_text(raw.decode("utf-8-sig")), blocks=[], path=str(path), format="txt",
            sha256=hashlib.sha256(raw).hexdigest(),
        )
    return read_document(path)


def scorer_path() -> Path:
    """score.py from $SHARED, the sibling ../shared checkout, or /work/shared."""
    candidates = [Path(os.environ["SHARED"]) if os.environ.get("SHARED") else None,
                  REPO.parent / "shared", Path("/work/shared")]
    for base in candidates:
        if base and (base / "tools" / "score.py").is_file():
            return base / "tools" / "score.py"
    raise SystemExit("score.py not found: set SHARED to the shared/ folder (it holds tools/score.py)")


def write_predictions(samples: list[Path], out: Path) -> Path:
    """Extract every sample and write all figures to out/predictions.jsonl."""
    out.mkdir(parents=True, exist_ok=True)
    pred = out / "predictions.jsonl"
    with pred.open("w", encoding="utf-8") as f:
        for sample in samples:
            for figure in extract_figures(load_document(sample)):
                record = figure.to_record()
                f.write(json.dumps({k: record[k] for k in FIGURE_FIELDS}, ensure_ascii=False) + "\n")
    return pred


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", type=Path, default=REPO / "tests" / "gold")
    ap.add_argument("--samples", type=Path, default=REPO / "samples")
    ap.add_argument("--out", type=Path, default=REPO / "output" / "eval")
    ap.add_argument("--show", type=int, default=20, help="how many misses/extras/wrong attributes to list")
    ap.add_argument("--json", action="store_true", help="print the scorer's summary as JSON")
    a = ap.parse_args(argv)
    gold_names = {p.name[: -len(".jsonl")] for p in a.gold.glob("*.jsonl")}
    samples = sorted(p for p in a.samples.glob("*.txt") if p.name in gold_names)
    if not samples:
        raise SystemExit(f"no samples in {a.samples} with gold in {a.gold}")
    pred = write_predictions(samples, a.out)
    cmd = [sys.executable, str(scorer_path()), "--gold", str(a.gold), "--pred", str(pred),
           "--show-misses", str(a.show)]
    if a.json:
        cmd.append("--json")
    print(f"{len(samples)} samples → {pred}", file=sys.stderr)
    return subprocess.call(cmd)


if __name__ == "__main__":
    raise SystemExit(main())
