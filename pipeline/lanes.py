"""Work on several items at once, results taken in the items' own order, a bounded way ahead.

Ingest reads and extracts each file in sandboxed child processes, so a parent thread per file
only waits: threads are enough to keep every core busy, and the parent stays the one process
that writes to the store. Results come back in input order, so a batch read on N lanes loads
exactly as it would on one (which copy of a report comes first decides what supersedes what),
and at most `ahead` results wait in memory at any time however long the batch.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def default_jobs() -> int:
    """One lane per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def in_order(
    work: Callable[[Item], Result], items: Iterable[Item], jobs: int, ahead: int = 0
) -> Iterator[tuple[Item, Result | BaseException]]:
    """(item, work(item)) for every item in order, `jobs` at a time; an exception is handed back
    as the result (the caller decides what one file's fault means), never raised here."""
    if jobs <= 1:
        for item in items:
            yield item, _call(work, item)
        return
    ahead = max(ahead, 2 * jobs)  # enough queued that no lane idles while the head is consumed
    pending: deque[tuple[Item, Future[Result]]] = deque()
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="tonghop-lane") as pool:
        try:
            for item in items:
                pending.append((item, pool.submit(work, item)))
                if len(pending) >= ahead:
                    yield _take(pending)
            while pending:
                yield _take(pending)
        finally:  # stopped early (Ctrl-C, the consumer failed): do not start what is still queued
            for _, future in pending:
                future.cancel()


def _take(pending: deque[tuple[Item, Future[Result]]]) -> tuple[Item, Result | BaseException]:
    item, future = pending.popleft()
    try:
        return item, future.result()
    except Exception as error:  # handed to the caller with its item (Ctrl-C is not)
        return item, error


def _call(work: Callable[[Item], Result], item: Item) -> Result | BaseException:
    try:
        return work(item)
    except Exception as error:  # handed to the caller with its item
        return error
