"""What officers teach the store: phrases that name an indicator, and indicators of their own.

Every row keeps who added it and when; a phrase is switched off (with who and when), never deleted,
so the catalogue's history can be audited and exported as YAML for indicators.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import yaml

from pipeline.store.schema import KINDS, custom_indicators, learned_phrases

CODE = re.compile(r"[A-Z][A-Z0-9_]{1,59}")
COMBINES = ("sum", "none", "latest", "max")


class TeachingStore:
    """Mixed into SqlStore, whose `_write()` and `_read()` transactions it uses."""

    _write: Callable[[], AbstractContextManager[sa.Connection]]
    _read: Callable[[], AbstractContextManager[sa.Connection]]

    def learn_phrase(
        self, phrase: str, indicator_code: str, *, user: str, figure_id: str | None = None
    ) -> int:
        """Remember that `phrase` names `indicator_code`; the row id (the existing one if taught before)."""
        from pipeline.normalise.text import fold

        phrase = fold(phrase)
        if len(phrase) < 3:
            raise ValueError("Cụm từ quá ngắn để ghi nhớ (cần ít nhất 3 ký tự).")
        if not user.strip():
            raise ValueError("a taught phrase needs the officer's name")
        with self._write() as conn:
            same = conn.execute(
                sa.select(learned_phrases.c.id).where(
                    learned_phrases.c.phrase == phrase,
                    learned_phrases.c.indicator_code == indicator_code,
                    learned_phrases.c.active.is_(True),
                )
            ).scalar()
            if same is not None:
                return int(same)
            result = conn.execute(
                learned_phrases.insert().values(
                    phrase=phrase,
                    indicator_code=indicator_code,
                    figure_id=figure_id,
                    created_by=user,
                    created_at=datetime.now(UTC),
                    active=True,
                )
            )
            return int(result.inserted_primary_key[0])

    def forget_phrase(self, phrase_id: int, *, user: str) -> None:
        """Switch a taught phrase off; the row stays, with who switched it off and when."""
        with self._write() as conn:
            conn.execute(
                learned_phrases.update()
                .where(learned_phrases.c.id == phrase_id)
                .values(active=False, removed_by=user, removed_at=datetime.now(UTC))
            )

    def learned_phrases(self) -> list[dict[str, Any]]:
        """Every taught phrase, oldest first, switched-off ones included (they are the audit trail)."""
        with self._read() as conn:
            rows = conn.execute(sa.select(learned_phrases).order_by(learned_phrases.c.id)).mappings()
            return [dict(r) for r in rows]

    def add_indicator(
        self, code: str, name: str, kind: str, unit: str, combine: str, *, user: str
    ) -> dict[str, Any]:
        """A new consolidated line created on the review page; the code must not exist yet."""
        from pipeline.normalise.catalogue import load_catalogue

        code = code.strip().upper()
        if not CODE.fullmatch(code):
            raise ValueError(
                "Mã chỉ tiêu: chữ in hoa, số và dấu gạch dưới, bắt đầu bằng chữ (vd. HO_TRO_HOC_BONG)."
            )
        if kind not in KINDS:
            raise ValueError(f"Loại số liệu phải là một trong: {', '.join(KINDS)}.")
        if combine not in COMBINES or (combine == "sum" and kind not in ("money", "count", "quantity")):
            raise ValueError("Cách cộng không hợp lệ: tỷ lệ, tỷ số và mức bình quân không được cộng dồn.")
        if not name.strip():
            raise ValueError("Chỉ tiêu cần có tên.")
        if code in load_catalogue().by_code() or any(r["code"] == code for r in self.custom_indicators()):
            raise ValueError(f"Mã {code} đã có trong danh mục.")
        row = {
            "code": code,
            "name": name.strip(),
            "kind": kind,
            "unit": unit.strip(),
            "combine": combine,
            "created_by": user,
            "created_at": datetime.now(UTC),
        }
        with self._write() as conn:
            conn.execute(custom_indicators.insert().values(**row))
        return row

    def custom_indicators(self) -> list[dict[str, Any]]:
        """Indicators officers created, oldest first."""
        with self._read() as conn:
            rows = conn.execute(
                sa.select(custom_indicators).order_by(custom_indicators.c.created_at)
            ).mappings()
            return [dict(r) for r in rows]

    def teaching_yaml(self) -> str:
        """The indicators and active phrases officers added, as YAML to merge into indicators.yaml."""
        phrases: dict[str, list[str]] = {}
        for row in self.learned_phrases():
            if row["active"]:
                phrases.setdefault(row["indicator_code"], []).append(row["phrase"])
        data = {
            "indicators": [
                {
                    "code": r["code"],
                    "name": r["name"],
                    "kind": r["kind"],
                    "unit": r["unit"],
                    "combine": r["combine"],
                    "phrases": phrases.pop(r["code"], [r["name"].lower()]),
                }
                for r in self.custom_indicators()
            ],
            "learned_phrases": [{"code": code, "phrases": words} for code, words in phrases.items()],
        }
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
