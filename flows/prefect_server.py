"""Run `prefect server start` with one compatibility fix, so schedules work on the pinned SQLAlchemy.

Prefect 3.8.8's scheduler inserts scheduled flow runs with an ORM bulk INSERT whose rows carry a
`state` key. `FlowRun.state` is a hybrid property; SQLAlchemy 2.0 ignored such keys, SQLAlchemy
2.1 (pinned here) refuses them ("Can't evaluate bulk DML statement; please supply a bulk_dml
decorated function"), so no scheduled run is ever created and `serve --every` never fires.
The fix gives that hybrid a bulk setter that drops the key from SQLAlchemy's private copy of
each row; Prefect inserts the states itself right after, from its own list, as before.

    python -m flows.prefect_server --host 127.0.0.1 --port 4200
"""

from __future__ import annotations

import sys


def allow_scheduled_run_inserts() -> bool:
    """Teach `FlowRun.state` to be skipped in bulk INSERTs; False when no fix is needed."""
    from prefect.server.database import orm_models

    state = orm_models.FlowRun.__dict__.get("state")
    if state is None or not hasattr(state, "bulk_dml") or getattr(state, "bulk_dml_setter", None):
        return False

    def skip_state(cls: type, mapping: dict, value: object) -> None:
        mapping.pop("state", None)

    state.inplace.bulk_dml(skip_state)
    return True


def main(argv: list[str] | None = None) -> None:
    """`prefect server start ARGS…` in this process (foreground), with the fix applied."""
    allow_scheduled_run_inserts()
    from prefect.cli import app

    sys.argv = ["prefect", "server", "start", *(sys.argv[1:] if argv is None else argv)]
    app()


if __name__ == "__main__":
    main()
