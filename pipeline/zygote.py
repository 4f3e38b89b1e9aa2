"""A pre-warmed forking helper, so each untrusted file gets its own process for about 10 ms, not 250 ms.

Starting a fresh interpreter and importing python-docx, lxml and pdfplumber for every submitted
file costs more than reading it. Instead one helper process per caller (the zygote) starts once
with the readers imported and their caches warm, then forks a grandchild per file. The
grandchild is exactly as isolated as a fresh child: it sets its own memory and CPU limits, reads
the file, writes its JSON result into a file the caller handed over, and exits; a crash, a memory
blow-up or a hang there never touches the zygote, the next file, or the caller.

Protocol, over a Unix SOCK_SEQPACKET pair (one datagram per message, file descriptors attached):
  caller → zygote  {"op": "read", "id": n, "path": ..., "limits": {...}, "task": "read" | "extract"}
                   + [result fd, log fd]
                   {"op": "cancel", "id": n}              (the caller gave up: kill that reader)
  zygote → caller  {"id": n, "status": exit code or -signal, "timed_out": bool}
                   {"id": n, "error": "..."}               (no grandchild could be started)
The zygote kills a grandchild that outlives its wall-clock limit. It exits, killing its
grandchildren, when the caller's end of the socket closes (the caller exited or died: no orphan
survives it), and each grandchild dies with the zygote (PR_SET_PDEATHSIG).

The zygote is started with subprocess, not multiprocessing, so it works from daemonic Prefect
and Dask worker processes; it is single-threaded, which is what makes fork safe in it.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import ctypes.util
import functools
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

MAX_MESSAGE = 64 * 1024  # a request is a path and a few limits; a reply is smaller still
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
START_TIMEOUT = 60.0  # seconds for the zygote to import the readers and say it is ready
READER_FAILED = 70  # the grandchild's exit status when even reporting its own fault failed
WARM_UP_TEXT = (  # a tiny report read once in the zygote, so every grandchild inherits warm caches
    "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM TỈNH ĐẮK LẮK\n"
    "BÁO CÁO kết quả công tác Mặt trận năm 2023\n"
    "1. Hỗ trợ 25 hộ nghèo xây nhà đại đoàn kết, tổng kinh phí 1,25 tỷ đồng, đạt 102%.\n"
)


class ZygoteGone(Exception):
    """The zygote stopped before answering; the request may be retried on a new one."""


# ---------------------------------------------------------------------------------------------
# The caller's side


@dataclass(slots=True)
class Reply:
    """What became of one grandchild: its exit status (negative: killed by that signal)."""

    status: int
    timed_out: bool


@dataclass(slots=True)
class _Pending:
    done: threading.Event = field(default_factory=threading.Event)
    reply: Reply | None = None
    error: BaseException | None = None


class ZygoteClient:
    """One running zygote and the caller's connection to it; safe to use from many threads.

    Sending is serialised by a lock; the grandchildren run concurrently; a reader thread hands
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
        """Do `task` on `path` in a fresh grandchild; its JSON goes to `result_fd`, its output to `log_fd`."""
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
            if not pending.done.wait(limits.wall_seconds + 10):
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


def serve(channel: socket.socket) -> None:
    """The zygote's whole life: fork a reader per request, report each one's end, until EOF."""
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_read, False)
    os.set_blocking(wake_write, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so each child's end writes a wake-up byte
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to handle: it cancels or hangs up
    signal.set_wakeup_fd(wake_write)
    jobs: dict[int, _Job] = {}
    try:
        channel.send(b'{"ready": true}')
        while True:
            timeout = max(0.0, min(j.deadline for j in jobs.values()) - time.monotonic()) if jobs else None
            readable, _, _ = select.select([channel, wake_read], [], [], timeout)
            if wake_read in readable:
                _drain(wake_read)
            if channel in readable and not _take_request(channel, jobs, (wake_read, wake_write)):
                break
            _kill_overdue(jobs)
            _reap(channel, jobs)
    finally:
        for pid in jobs:
            _kill(pid)
        for pid in jobs:
            _wait(pid)


def _take_request(channel: socket.socket, jobs: dict[int, _Job], private_fds: tuple[int, int]) -> bool:
    """Start or cancel one reader; False once the caller has hung up."""
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
            for pid, job in jobs.items():
                if job.request_id == request["id"] and not job.cancelled:
                    job.cancelled = True
                    _kill(pid)
            return True
        limits = Limits(**request["limits"])
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:
            _grandchild(request["path"], limits, fds, channel, private_fds, str(request.get("task", "read")))
        jobs[pid] = _Job(int(request["id"]), started + limits.wall_seconds)
    except Exception as error:  # a malformed request or a failed fork: the caller must still hear
        request_id = request.get("id", 0) if isinstance(request, dict) else 0
        _reply(channel, {"id": request_id, "error": repr(error)})
    finally:
        for fd in fds:
            os.close(fd)
    return True


def _grandchild(
    path: str, limits: Limits, fds: list[int], channel: socket.socket, private: tuple[int, int], task: str
) -> None:
    """The forked reader: cut every tie to the zygote, then do what a fresh sandbox child does."""
    status = READER_FAILED
    try:
        _die_with_parent()
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        channel.close()
        for fd in private:
            os.close(fd)
        result_fd, log_fd = fds
        os.dup2(log_fd, 1)  # anything a library prints goes to the log, never into the result
        os.dup2(log_fd, 2)
        from pipeline.sandbox import read_and_report

        with os.fdopen(os.dup(result_fd), "w", encoding="utf-8") as result:
            read_and_report(path, limits, result, task)
        status = 0
    except BaseException:
        try:
            import traceback

            traceback.print_exc()
        except BaseException:
            pass
    finally:
        os._exit(status)  # never return into the zygote's loop, never run its exit handlers


@functools.cache  # loaded in the zygote before it forks: find_library runs ldconfig, 5 ms a reader
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _die_with_parent() -> None:
    """Have the kernel kill this process when the zygote dies (Linux), so no reader is orphaned."""
    _libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() == 1:  # the zygote died before the line above took effect
        os._exit(READER_FAILED)


def _kill_overdue(jobs: dict[int, _Job]) -> None:
    now = time.monotonic()
    for pid, job in jobs.items():
        if now >= job.deadline and not job.cancelled:
            job.cancelled = True
            _kill(pid)


def _reap(channel: socket.socket, jobs: dict[int, _Job]) -> None:
    """Report every grandchild that has ended; one still unreaped past its deadline timed out."""
    while jobs:
        try:
            pid, wait_status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        job = jobs.pop(pid, None)
        if job is None:
            continue
        timed_out = job.cancelled or time.monotonic() > job.deadline
        status = os.waitstatus_to_exitcode(wait_status)
        _reply(channel, {"id": job.request_id, "status": status, "timed_out": timed_out})


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

    import pipeline.sandbox  # noqa: F401 - what each grandchild runs, imported once here
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

            extract_figures(read_document(text))
            load_segmenter()  # underthesea's model: ~1 s of CPU, paid here once instead of by every child


def main(fd: int) -> None:
    channel = socket.socket(fileno=fd)
    try:
        warm_up()
    except Exception:
        import traceback

        traceback.print_exc()  # to the zygote's log; it still serves, only with colder caches
    _libc()
    gc.collect()
    gc.freeze()  # what exists now is shared by every fork, and the collector will not dirty its pages
    serve(channel)


if __name__ == "__main__":
    main(int(sys.argv[1]))
