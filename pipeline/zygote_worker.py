"""A worker forked from the zygote: does one file's task at a time, each under that file's own limits.

Forking the 180 MB zygote afresh for every file cost more CPU than reading and extracting it:
the fork and the exit, and some 2,600 copy-on-write page faults as the child touched the shared
readers and extractor data (measured: 62 ms of CPU in the child for 34 ms of work). A worker pays
that once and then serves further files with its pages already its own. What a fresh child per
file guaranteed still holds per file:

* limits: before each task the soft RLIMIT_AS is set to the file's memory cap and the soft
  RLIMIT_CPU to the CPU the worker has used so far plus the file's allowance (SIGXCPU ends it);
  the zygote kills it when the file's wall clock runs out;
* a fault ends the worker, never the batch: a crash, a timeout or a memory blow-up kills this
  worker only, the zygote reports that file's end as before and forks a new worker for the next;
* no state carried from a bad file: after any task that did not end cleanly (a refusal of any
  kind, not only a crash) the worker exits instead of serving on, and it is recycled after
  JOBS_PER_WORKER files or once it has grown by MAX_GROWTH_KB, so slow leaks cannot accumulate.

Protocol with the zygote, over its own SOCK_SEQPACKET pair: the zygote sends the caller's request
(path, limits, task) with the result and log fds attached; the worker answers b"done" once the
result is written, or dies, which the zygote sees as that file's exit status.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import json
import os
import resource
import signal
import socket
from typing import Any

from pipeline.readers.guards import Limits

MAX_MESSAGE = 64 * 1024  # a request is a path and a few limits
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
READER_FAILED = 70  # the exit status when even reporting its own fault failed
JOBS_PER_WORKER = 100  # files one worker serves before it is replaced by a fresh fork
MAX_GROWTH_KB = 256 * 1024  # a worker whose peak memory grew this much past its start is replaced
DONE = b"done"  # this file's result is written; send the next
LAST = b"last"  # this file's result is written; this worker exits now


@functools.cache  # loaded in the zygote before it forks: find_library runs ldconfig, 5 ms a call
def libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def die_with_parent() -> None:
    """Have the kernel kill this process when the zygote dies (Linux), so no worker is orphaned."""
    libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() == 1:  # the zygote died before the line above took effect
        os._exit(READER_FAILED)


def work(tasks: socket.socket, inherited: list[int]) -> None:
    """The worker's whole life, right after the fork: cut ties to the zygote, serve tasks, exit."""
    status = READER_FAILED
    try:
        die_with_parent()
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for fd in inherited:  # the zygote's channel, its wake-up pipe, its ends of sibling workers
            os.close(fd)
        start_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for served in range(1, JOBS_PER_WORKER + 1):
            try:
                data, fds, _, _ = socket.recv_fds(tasks, MAX_MESSAGE, 2)
            except ConnectionError:
                break
            if not data:  # the zygote closed our socket: stop
                break
            clean = serve_one(json.loads(data), fds)
            grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start_kb
            last = not clean or grown > MAX_GROWTH_KB or served == JOBS_PER_WORKER
            tasks.send(LAST if last else DONE)  # the zygote hands nothing more to a worker that said LAST
            if last:
                break
        status = 0
    except BaseException:
        try:
            import traceback

            traceback.print_exc()
        except BaseException:
            pass
    finally:
        os._exit(status)  # never return into the zygote's loop, never run its exit handlers


def serve_one(request: dict[str, Any], fds: list[int]) -> bool:
    """One file's task with its output on the caller's log and its JSON in the caller's result file;
    True if it ended cleanly (a result that is no refusal), the condition to serve another."""
    from pipeline.sandbox import read_and_report

    result_fd, log_fd = fds
    try:
        os.dup2(log_fd, 1)  # anything a library prints goes to this file's log, never into the result
        os.dup2(log_fd, 2)
        with os.fdopen(os.dup(result_fd), "w", encoding="utf-8") as result:
            limits = Limits(**request["limits"])
            return read_and_report(request["path"], limits, result, request["task"], reused=True)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)  # a phase timer must not outlive its file
        for fd in fds:
            os.close(fd)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.close(null)
