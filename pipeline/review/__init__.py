"""The review page: officers check each extracted figure against its sentence (`tonghop review`)."""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # imported on first use, so `python -m pipeline.review.users` runs without loading the web app
    if name == "create_app":
        from pipeline.review.app import create_app

        return create_app
    raise AttributeError(name)
