"""A pre-warmed forking helper, so each untrusted file is handled in a sandboxed process for ms, not 250.

Starting a fresh interpreter and importing python-docx, lxml and pdfplumber for every submitted
file costs more than reading it. Instead one helper process per caller (the zygote) starts once
with the readers and the extractor imported and their caches warm, then forks workers
(pipeline/zygote_worker.py) that each take one file at a time. A worker sets that file's memory
and CPU limits, does the task, writes its JSON result into a file the caller handed over and
serves the next file; a crash, a memory blow-up or a hang kills that worker only, never the
zygote, the next file, or the caller, and a worker whose file was refused for any reason exits
rather than serve on. A worker per file (as before) cost twice the CPU of the work itself in
fork, exit and copy-on-write faults; a worker that serves up to 100 files pays them once.

Protocol, over a Unix SOCK_SEQPACKET pair (one datagram per message, file descriptors attached):
  caller → zygote  {"op": "read", "id": n, "path": ..., "limits": {...},
                    "task": "read" | "extract" | "read_extract"}
                   + [result fd, log fd]
                   {"op": "cancel", "id": n}              (the caller gave up: kill that worker)
  zygote → caller  {"id": n, "status": exit code or -signal, "timed_out": bool}
                   {"id": n, "error": "..."}               (no worker could be started)
Status 0 means the worker wrote the file's result (it need not have exited). The zygote kills a
worker whose file outlives its wall-clock limit. It exits, killing its workers, when the caller's
end of the socket closes (the caller exited or died: no orphan survives it), and each worker
dies with the zygote (PR_SET_PDEATHSIG).

The zygote is started with subprocess, not multiprocessing, so it works from daemonic Prefect
and Dask worker processes; it is single-threaded, which is what makes fork safe in it.
"""
from __future__ import annotations

import atexit
import contextlib
import gc
import itertools
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipeline.readers.guards import Limits
from pipeline.zygote_worker import LAST

MAX_MESSAGE = 64 * 1024  # a request is a path and a few limits; a reply is smaller still
START_TIMEOUT = 60.0  # seconds for the zygote to import the readers and say it is ready
WARM_UP_TEXT = (  # a tiny report read once in the zygote, so every worker inherits warm caches
    "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM TỈNH ĐẮK LẮK\n"
    "BÁO CÁO kết quả công tác Mặt trận năm 2023\n"
    "1. Hỗ trợ 25 hộ nghèo xây nhà đại đoàn kết, tổng kinh phí 1,25 tỷ đồng, đạt 102%.\n"
)


READ_EXTRACT = "read_extract"  # the task of a child that reads a file and then extracts its figures


def task_wall_seconds(limits: Limits, task: str) -> float:
    """How long a child doing `task` may live: a read-and-extract child has both phases' time
    (it holds itself to each phase's own with a timer; this is the backstop)."""
    return limits.wall_seconds + (limits.extract_wall_seconds if task == READ_EXTRACT else 0.0)


class ZygoteGone(Exception):
    """The zygote stopped before answering; the request may be retried on a new one."""


# ---------------------------------------------------------------------------------------------
# The caller's side


@dataclass(slots=True)
class Reply:
    """What became of one file's task: the worker's exit status (negative: killed by that signal);
    0 once its result is written."""

    status: int
    timed_out: bool


@dataclass(slots=True)
class _Pending:
    done: threading.Event = field(default_factory=threading.Event)
    reply: Reply | None = None
    error: BaseException | None = None


class ZygoteClient:
    """One running zygote and the caller's connection to it; safe to use from many threads.

    Sending is serialised by a lock; the workers run concurrently; a reader thread hands
    each reply to the thread waiting for it.
    """

    def __init__(self) -> None:
        self.owner_pid = os.getpid()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        # The zygote's own output (a failed warm-up, a crash), never the officer's console.
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the zygote
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "pipeline.zygote", str(theirs.fileno())],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=self._log,
                env=child_environment(),
            )
        finally:
            theirs.close()
        self._socket = ours
        self._lock = threading.Lock()
        self._pending: dict[int, _Pending] = {}
        self._ids = itertools.count(1)
        self._alive = True
        self._ready = threading.Event()
        self._reader = threading.Thread(target=self._read_replies, name="zygote-replies", daemon=True)
        self._reader.start()
        if not self._ready.wait(START_TIMEOUT) or not self._alive:
            why = self.log_tail()
            self.close()
            raise ZygoteGone(f"the reading helper did not start: {why}")

    @property
    def alive(self) -> bool:
        return self._alive and self.process.poll() is None

    def run(self, path: Path, limits: Limits, result_fd: int, log_fd: int, task: str = "read") -> Reply:
        """Do `task` on `path` in a sandboxed worker; its JSON goes to `result_fd`, its output to `log_fd`."""
        pending = _Pending()
        with self._lock:
            if not self._alive:
                raise ZygoteGone("the reading helper has stopped")
            request_id = next(self._ids)
            self._pending[request_id] = pending
            where = os.path.abspath(path)  # the zygote's working directory is the one it started in
            message = {"op": "read", "id": request_id, "path": where, "limits": asdict(limits), "task": task}
            try:
                socket.send_fds(self._socket, [json.dumps(message).encode()], [result_fd, log_fd])
            except OSError as error:
                self._pending.pop(request_id, None)
                raise ZygoteGone(f"the reading helper is unreachable: {error}") from None
        finished = False
        try:
            # The zygote enforces the wall clock; waiting longer only covers a zygote that hangs.
            if not pending.done.wait(task_wall_seconds(limits, task) + 10):
                self.close()  # a zygote that stops answering is replaced by the next caller
                return Reply(status=-signal.SIGKILL, timed_out=True)
            finished = True
        finally:
            if not finished:  # interrupted while waiting (Ctrl-C): never leave that reader running
                self._cancel(request_id)
        if pending.error is not None:
            raise pending.error
        assert pending.reply is not None
        return pending.reply

    def _cancel(self, request_id: int) -> None:
        with self._lock:
            self._pending.pop(request_id, None)
            if self._alive:
                with contextlib.suppress(OSError):
                    self._socket.send(json.dumps({"op": "cancel", "id": request_id}).encode())

    def _read_replies(self) -> None:
        """Hand each reply to its waiting thread; when the zygote goes, fail every waiter."""
        try:
            while True:
                data = self._socket.recv(MAX_MESSAGE)
                if not data:
                    break
                reply = json.loads(data)
                if reply.get("ready"):
                    self._ready.set()
                    continue
                with self._lock:
                    pending = self._pending.pop(int(reply["id"]), None)
                if pending is None:  # a reply for a request its caller gave up on
                    continue
                if "error" in reply:
                    pending.error = ZygoteGone(str(reply["error"]))
                else:
                    pending.reply = Reply(int(reply["status"]), bool(reply["timed_out"]))
                pending.done.set()
        except (OSError, ValueError, KeyError, TypeError):
            pass
        with self._lock:
            self._alive = False
            waiting, self._pending = self._pending, {}
        self._ready.set()
        for pending in waiting.values():
            pending.error = ZygoteGone("the reading helper stopped while reading")
            pending.done.set()

    def close(self) -> None:
        """Stop the zygote (it kills any reader still running) and reap it: no zombie is left."""
        with self._lock:
            self._alive = False
        with contextlib.suppress(OSError):  # EOF for the zygote, and it wakes the reader thread
            self._socket.shutdown(socket.SHUT_RDWR)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self._reader is not threading.current_thread():
            self._reader.join(timeout=5)
        self._socket.close()
        self._log.close()

    def log_tail(self) -> str:
        try:
            self._log.seek(0)
            lines = self._log.read().decode("utf-8", "replace").strip().splitlines()
        except (OSError, ValueError):
            return "no log"
        return lines[-1][-300:] if lines else f"exit status {self.process.poll()}"


def child_environment() -> dict[str, str]:
    """The caller's environment with numeric libraries held to one thread: their per-thread
    buffers reserve address space, which on a many-core machine would eat the RLIMIT_AS budget."""
    return {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


_client_lock = threading.Lock()
_client: list[ZygoteClient] = []  # the one zygote of this process, once started


def zygote() -> ZygoteClient:
    """This process's zygote, started on first use and restarted if it has died."""
    with _client_lock:
        if _client and _client[0].owner_pid == os.getpid() and _client[0].alive:
            return _client[0]
        if _client and _client[0].owner_pid == os.getpid():
            _client.pop().close()  # reap the dead one before starting its successor
        _client.clear()
        _client.append(ZygoteClient())
        return _client[0]


def shutdown() -> None:
    """Stop this process's zygote, if it has one (also done at exit)."""
    with _client_lock:
        if _client and _client[0].owner_pid == os.getpid():
            _client[0].close()
        _client.clear()


def _forget_after_fork() -> None:
    """A forked copy of the caller must not share its parent's zygote, nor keep it alive."""
    if _client:
        with contextlib.suppress(OSError):
            _client[0]._socket.close()
    _client.clear()
    globals()["_client_lock"] = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)
atexit.register(shutdown)  # reap the zygote here rather than leave it to whoever adopts orphans


# ---------------------------------------------------------------------------------------------
# The zygote's side


@dataclass(slots=True)
class _Job:
    request_id: int
    deadline: float
    cancelled: bool = False


@dataclass(slots=True)
class _Worker:
    """A forked worker (pipeline/zygote_worker.py), our end of its socket, and the job it is doing."""

    pid: int
    tasks: socket.socket
    job: _Job | None = None


@dataclass(slots=True)
class _Pool:
    """The zygote's workers by pid; an idle one takes the next request, else a new one is forked."""

    channel: socket.socket
    private_fds: tuple[int, int]
    workers: dict[int, _Worker] = field(default_factory=dict)

    def busy(self) -> list[_Worker]:
        return [w for w in self.workers.values() if w.job is not None]

    def hand(self, request: dict[str, Any], fds: list[int], job: _Job) -> None:
        """Give the request to an idle worker (one whose socket refuses it is dropped), else fork one."""
        message = json.dumps(request).encode()
        for worker in [w for w in self.workers.values() if w.job is None]:
            try:
                socket.send_fds(worker.tasks, [message], fds)
            except OSError:  # it is exiting (recycled) or dead: forget it, the reaper collects it
                self._drop(worker)
                continue
            worker.job = job
            return
        worker = self._fork(fds)
        socket.send_fds(worker.tasks, [message], fds)
        worker.job = job

    def _fork(self, request_fds: list[int]) -> _Worker:
        """A new worker; it closes every descriptor of the zygote's it would otherwise keep open."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = os.fork()
        if pid == 0:
            from pipeline.zygote_worker import work

            siblings = [w.tasks.fileno() for w in self.workers.values()]
            inherited = [ours.fileno(), self.channel.fileno(), *self.private_fds, *request_fds, *siblings]
            work(theirs, [fd for fd in inherited if fd >= 0])
        theirs.close()
        self.workers[pid] = _Worker(pid, ours)
        return self.workers[pid]

    def _drop(self, worker: _Worker) -> None:
        """Forget a worker whose socket is gone (it exits, or has); the reaper still waits for it."""
        with contextlib.suppress(OSError):
            worker.tasks.close()
        if worker.job is None:
            self.workers.pop(worker.pid, None)

    def finished(self, worker: _Worker) -> None:
        """The worker said its file's result is written: report it, the worker is free again."""
        try:
            data = worker.tasks.recv(MAX_MESSAGE)
        except OSError:
            data = b""
        if not data:  # it is exiting; its end is reported when it is reaped
            self._drop(worker)
            return
        job, worker.job = worker.job, None
        if data == LAST:  # it exits now: never hand it another file (it would die holding it)
            self._drop(worker)
        if job is not None:
            timed_out = job.cancelled or time.monotonic() > job.deadline
            _reply(self.channel, {"id": job.request_id, "status": 0, "timed_out": timed_out})

    def reap(self) -> None:
        """Report every worker that has ended while a file was in its hands (its exit status)."""
        while True:
            try:
                pid, wait_status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            worker = self.workers.pop(pid, None)
            if worker is None:
                continue
            with contextlib.suppress(OSError):
                worker.tasks.close()
            job = worker.job
            if job is not None:
                timed_out = job.cancelled or time.monotonic() > job.deadline
                status = os.waitstatus_to_exitcode(wait_status)
                _reply(self.channel, {"id": job.request_id, "status": status, "timed_out": timed_out})

    def kill_overdue(self) -> None:
        now = time.monotonic()
        for worker in self.busy():
            job = worker.job
            if job is not None and now >= job.deadline and not job.cancelled:
                job.cancelled = True
                _kill(worker.pid)

    def cancel(self, request_id: int) -> None:
        for worker in self.busy():
            job = worker.job
            if job is not None and job.request_id == request_id and not job.cancelled:
                job.cancelled = True
                _kill(worker.pid)

    def stop(self) -> None:
        for pid in self.workers:
            _kill(pid)
        for pid in self.workers:
            _wait(pid)


def serve(channel: socket.socket) -> None:
    """The zygote's whole life: hand each request to a worker, report each file's end, until EOF."""
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_read, False)
    os.set_blocking(wake_write, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so each child's end writes a wake-up byte
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to handle: it cancels or hangs up
    signal.set_wakeup_fd(wake_write)
    pool = _Pool(channel, (wake_read, wake_write))
    try:
        channel.send(b'{"ready": true}')
        while True:
            busy = pool.busy()
            deadlines = [w.job.deadline for w in busy if w.job is not None]
            timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            watched = {w.tasks.fileno(): w for w in busy if w.tasks.fileno() >= 0}
            readable, _, _ = select.select([channel, wake_read, *watched], [], [], timeout)
            if wake_read in readable:
                _drain(wake_read)
            for fd in readable:
                if fd in watched:
                    pool.finished(watched[fd])
            if channel in readable and not _take_request(channel, pool):
                break
            pool.kill_overdue()
            pool.reap()
    finally:
        pool.stop()


def _take_request(channel: socket.socket, pool: _Pool) -> bool:
    """Start or cancel one file's task; False once the caller has hung up."""
    try:
        data, fds, _, _ = socket.recv_fds(channel, MAX_MESSAGE, 2)
    except ConnectionError:
        return False
    if not data:
        return False
    request: dict[str, Any] = {}
    try:
        request = json.loads(data)
        if request["op"] == "cancel":
            pool.cancel(request["id"])
            return True
        limits = Limits(**request["limits"])
        task = str(request.get("task", "read"))
        request["task"] = task
        job = _Job(int(request["id"]), time.monotonic() + task_wall_seconds(limits, task))
        pool.hand(request, fds, job)
    except Exception as error:  # a malformed request or a failed fork: the caller must still hear
        request_id = request.get("id", 0) if isinstance(request, dict) else 0
        _reply(channel, {"id": request_id, "error": repr(error)})
    finally:
        for fd in fds:
            os.close(fd)
    return True


def _reply(channel: socket.socket, message: dict[str, Any]) -> None:
    with contextlib.suppress(OSError):  # the caller is gone; the loop sees EOF next
        channel.send(json.dumps(message).encode())


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _wait(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 4096):
            pass
    except BlockingIOError:
        pass


def warm_up() -> None:
    """Import every reader and read a small .txt and .docx once, so caches are filled before forking."""
    import docx

    import pipeline.sandbox  # noqa: F401 - what each worker runs, imported once here
    from pipeline.readers import docx as _docx_reader  # noqa: F401
    from pipeline.readers import pdf as _pdf_reader  # noqa: F401
    from pipeline.readers import read_document
    from pipeline.readers import txt as _txt_reader  # noqa: F401

    with tempfile.TemporaryDirectory(prefix="tonghop-warm-") as folder:
        text = Path(folder) / "warm.txt"
        text.write_text(WARM_UP_TEXT, encoding="utf-8")
        word = Path(folder) / "warm.docx"
        document = docx.Document()
        for line in WARM_UP_TEXT.splitlines():
            document.add_paragraph(line)
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(1, 1).text = "Chỉ tiêu", "25 hộ"
        document.save(str(word))
        for path in (text, word):
            with contextlib.suppress(Exception):  # a warm-up that fails costs speed, never correctness
                read_document(path)
        with contextlib.suppress(Exception):  # the extractor's data and patterns, loaded once for all
            from extractors import extract_figures
            from extractors.count.vi.segment import load as load_segmenter

            warm = read_document(text)
            found = extract_figures(warm)
            load_segmenter()  # underthesea's model: ~1 s of CPU, paid here once instead of by every child
        with contextlib.suppress(Exception):  # the indicator catalogue the children map figures to
            from pipeline.normalise import map_figures

            map_figures(warm, found)


def main(fd: int) -> None:
    channel = socket.socket(fileno=fd)
    try:
        warm_up()
    except Exception:
        import traceback

        traceback.print_exc()  # to the zygote's log; it still serves, only with colder caches
    from pipeline.zygote_worker import libc

    libc()  # loaded once here, not by every worker
    gc.collect()
    gc.freeze()  # what exists now is shared by every fork, and the collector will not dirty its pages
    serve(channel)


if __name__ == "__main__":
    main(int(sys.argv[1]))
