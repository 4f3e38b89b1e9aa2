"""`make eval`, mapping part: the "Chưa phân loại" share and the mapping accuracy on hand-checked figures.

tests/gold/indicator_codes.tsv says, for gold figures of the seeds and held-out excerpts, which
catalogue line an officer puts each on ("-" for none). Each document is extracted and mapped as
`tonghop ingest` does; a checked figure is found by its start offset. A figure on a wrong line
(worse than one left unclassified) is counted apart.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from extractors import extract_figures
from pipeline.normalise import map_figures

OUTCOMES = ("right", "unsure", "wrong_line", "not_extracted")


@dataclass(slots=True)
class MappingScore:
    """Counts per set of the checked figures, and the unclassified share of all extracted figures."""

    outcomes: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    figures: Counter = field(default_factory=Counter)
    unclassified: Counter = field(default_factory=Counter)
    wrong: list[str] = field(default_factory=list)


def read_checked(path: Path) -> list[dict[str, str]]:
    """The hand-checked rows (comment lines skipped)."""
    lines = [
        line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")
    ]
    return list(csv.DictReader(lines, delimiter="\t"))


def score_mapping(checked: Path, folders: dict[str, Path]) -> MappingScore:
    """Extract and map every .txt of `folders` (set name → folder); compare the checked figures."""
    from pipeline.evaluate import load_document

    rows = read_checked(checked)
    by_doc: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_doc[row["doc"]].append(row)
    score = MappingScore()
    for set_name, folder in folders.items():
        for path in sorted(folder.glob("*.txt")):
            document = load_document(path)
            figures = extract_figures(document)
            mapped = map_figures(document, figures)
            score.figures[set_name] += len(figures)
            score.unclassified[set_name] += sum(1 for m in mapped if not m.code)
            found = {f.char_start: m.code for f, m in zip(figures, mapped, strict=True)}
            for row in by_doc.get(path.name, []):
                want = "" if row["code"] == "-" else row["code"]
                got = found.get(int(row["char_start"]))
                if got is None:
                    outcome = "not_extracted"
                elif got == want:
                    outcome = "right"
                elif not got:
                    outcome = "unsure"
                else:
                    outcome = "wrong_line"
                    score.wrong.append(f"{path.name} «{row['quote']}»: {want or '-'} → {got}")
                score.outcomes[row["set"]][outcome] += 1
    return score


def print_mapping(score: MappingScore) -> dict[str, object]:
    """Print the share and the accuracy per set; returns them for --json."""
    print("\n== mapping to the catalogue ==")
    summary: dict[str, object] = {}
    for set_name, total in score.figures.items():
        share = score.unclassified[set_name] / total if total else 0.0
        count = score.unclassified[set_name]
        print(f"Chưa phân loại / unclassified ({set_name}): {count}/{total} = {share:.1%}")
        summary[f"unclassified_{set_name}"] = round(share, 4)
    for set_name, counts in sorted(score.outcomes.items()):
        found = sum(counts[o] for o in OUTCOMES[:3])
        accuracy = counts["right"] / found if found else 0.0
        print(
            f"hand-checked {set_name}: {sum(counts.values())} figures, accuracy {accuracy:.1%} of {found} "
            f"extracted (right {counts['right']}, unsure {counts['unsure']}, "
            f"wrong line {counts['wrong_line']}, not extracted {counts['not_extracted']})"
        )
        summary[f"mapping_accuracy_{set_name}"] = round(accuracy, 4)
        summary[f"wrong_line_{set_name}"] = counts["wrong_line"]
    for line in score.wrong:
        print("  wrong line: " + line)
    return summary
