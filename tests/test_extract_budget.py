"""The token budget refuses what no report holds, whether or not its quick count decides it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.document import Document
from pipeline.errors import DocumentRejected
from pipeline.guarded_extract import check_budget
from pipeline.readers.guards import DEFAULT_LIMITS

SMALL = replace(DEFAULT_LIMITS, max_number_tokens=20, max_numbers_per_line=5, max_digit_run=6)


def document(text: str) -> Document:
    return Document(text, [], "report.txt", "txt", "")


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("5 hộ 1234567 người", "a run of 7 digits, at most 6"),
        ("1 2 3 4 5 6\n", "over 5 numbers in one paragraph"),
        ("1 2\n" * 10 + "3\n", "over 20 numbers in one document"),
        ("1 2 3 4 5\n6 7 8 9 10 11\n", "over 5 numbers in one paragraph"),  # past the quick count's bound
    ],
)
def test_over_a_cap_is_refused(text: str, detail: str) -> None:
    with pytest.raises(DocumentRejected) as refused:
        check_budget(document(text), SMALL)
    assert refused.value.code == "E006_TOO_LARGE"
    assert detail in str(refused.value)


@pytest.mark.parametrize("text", ["5 hộ 123456 người", "1 2 3 4 5\n", "1 2 3 4 5\n6 7 8 9 10\n1 2 3\n", ""])
def test_within_every_cap_passes(text: str) -> None:
    check_budget(document(text), SMALL)  # the last but one has more numbers than a line may hold, on 3 lines
