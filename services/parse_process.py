"""Reading an upload in a child process, so no file can take the web process down.

A parser that aborts, allocates without bound or runs away takes only its own process
with it. The child comes from a fork server (never a plain fork of a process that has
run Polars), limits its own address space, reads, types and profiles the table,
writes it as Parquet where it is told, and sends back only the profile and two
counts. The web process waits for it within the time budget and turns any way it can
end into a ``ServiceError`` with a plain message.
"""

from __future__ import annotations

import errno
import multiprocessing
import os
import resource
import signal
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import polars as pl

from services import errors
from services.errors import FileTooLargeError, ServiceError, UnreadableFileError
from services.ingest import read_table
from services.profiling import Profile, profile_table
from services.upload_limits import UploadLimits

# How long a child may take to start, before its time budget begins: a fork server
# that is just starting imports the modules it preloads first.
STARTUP_TIMEOUT_S = 180.0

# Children fork from a server that has imported this module (and so Polars and the
# readers) once. The composition root may set its own list; it should name this
# module (or one that imports it) so uploads do not pay for those imports.
multiprocessing.get_context("forkserver").set_forkserver_preload(["__main__", __name__])


@dataclass(frozen=True)
class ParsedUpload:
    """What reading an upload in its child process gave: the table is in a file.

    ``peak_mb`` (resident memory) and ``cpu_seconds`` are what the child used, for
    logs and benchmarks.
    """

    profile: Profile
    rows: int
    missing: int
    peak_mb: float = 0.0
    cpu_seconds: float = 0.0


def parse_upload(
    source: Path,
    suffix: str,
    sheet: str | None,
    out: Path,
    limits: UploadLimits | None = None,
    on_progress: Callable[[float, str], None] | None = None,
) -> ParsedUpload:
    """Read, type and profile an upload in a child process; write its table to ``out``.

    Parameters
    ----------
    source
        The uploaded file.
    suffix
        Its checked suffix (``services.ingest.check_suffix``).
    sheet
        For a workbook, the sheet to read (the first holding a table otherwise).
    out
        Where the child writes the table as Parquet; nothing is left there when
        reading fails.
    limits
        Sizes, time and memory; the settings' by default.
    on_progress
        Told the share done and the step the child is at (reading the file,
        recognising its columns, saving the table) as it gets there.

    Raises
    ------
    FileTooLargeError
        When the table is over a size limit, or reading it ran out of time or memory.
    UnreadableFileError
        When the file is not a table, or its reader crashed.
    InvalidInputError
        When the named sheet does not exist.

    """
    limits = limits or UploadLimits.from_settings()
    context = multiprocessing.get_context("forkserver")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_read_in_child,
        args=(sender, source, suffix, sheet, out, limits),
        name="upload-reader",
        daemon=True,
    )
    try:
        child.start()
        sender.close()
        message = _answer(receiver, child, limits, on_progress)
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    finally:
        if child.is_alive():
            child.kill()
        if child.pid is not None:
            child.join()
        receiver.close()
    kind, payload = message
    if kind == "read" and isinstance(payload, ParsedUpload):
        return payload
    out.unlink(missing_ok=True)
    raise _error(kind, payload, limits)


def _answer(
    receiver: Connection,
    child: Any,
    limits: UploadLimits,
    on_progress: Callable[[float, str], None] | None,
) -> tuple[str, Any]:
    """The child's answer, or why there is none (a time-out, a crash).

    The steps it reports on the way go to ``on_progress``.
    """
    if not receiver.poll(STARTUP_TIMEOUT_S):
        return "late", None
    try:
        receiver.recv()  # "started": from here on the time budget runs
        budget = limits.parse_time_limit_s or None
        deadline = None if budget is None else time.monotonic() + budget
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            if (left is not None and left <= 0) or not receiver.poll(left):
                return "late", None  # an answer after the budget is one too late
            answer: tuple[str, Any] = receiver.recv()
            if answer[0] != "step":
                return answer
            if on_progress is not None:
                on_progress(*answer[1])
    except EOFError:  # it died without a word: a signal, or an abort in native code
        child.join()
        return "died", child.exitcode


def _error(kind: str, payload: Any, limits: UploadLimits) -> Exception:
    """The error the web process raises for a child that did not read the table."""
    if kind == "refused":
        name, message, code = payload
        error_type = getattr(errors, name, ServiceError)
        if not (isinstance(error_type, type) and issubclass(error_type, ServiceError)):
            error_type = ServiceError
        return error_type(message, code)
    if kind == "late":
        return FileTooLargeError(
            f"Reading the file took longer than the {limits.parse_time_limit_s:g} "
            "seconds an upload may take (the PARSE_TIME_LIMIT_S setting), so it was "
            "stopped. Upload a smaller file (fewer rows or sheets), or save it as CSV."
        )
    # A child under a memory limit that dies without a word ran out of it: native
    # code that cannot allocate aborts, or fails to start a thread and exits.
    out_of_memory = kind == "died" and limits.parse_memory_limit_mb > 0
    if (
        kind == "memory"
        or out_of_memory
        or payload
        in (
            -signal.SIGABRT,
            -signal.SIGKILL,
            -signal.SIGSEGV,
        )
    ):
        return FileTooLargeError(
            "Reading the file needed more memory than an upload may use (the "
            f"PARSE_MEMORY_LIMIT_MB setting, {limits.parse_memory_limit_mb:,} MB), "
            "so it was stopped; the file may also be damaged. Upload a smaller file, "
            "or save it as CSV."
        )
    if kind == "died":
        return UnreadableFileError(
            "The file's reader stopped before it finished; the file may be damaged. "
            "Save it again from the program that made it, or save it as CSV."
        )
    return RuntimeError(f"reading an upload failed in its child process:\n{payload}")


def _read_in_child(
    sender: Connection,
    source: Path,
    suffix: str,
    sheet: str | None,
    out: Path,
    limits: UploadLimits,
) -> None:
    """The child's work: read, profile, write Parquet; report how it went."""
    sender.send(("started", None))
    # Polars starts its threads on first use; started before the limit, their stacks
    # are not taken from the data's share (a thread that cannot start panics).
    pl.thread_pool_size()
    pl.LazyFrame({"x": [0]}).sum().collect(engine="streaming")
    limited = _limit_address_space(limits.parse_memory_limit_mb)
    try:
        sender.send(("step", (0.05, "Reading the file")))
        read = read_table(source, suffix, sheet, limits)
        sender.send(("step", (0.6, "Recognising the columns and profiling them")))
        profile = profile_table(read.frame, read.notes)
        profile.sheet, profile.sheets = read.sheet, read.sheets
        sender.send(("step", (0.9, "Saving the table")))
        read.frame.write_parquet(out, compression="lz4")
        missing = int(sum(read.frame.null_count().row(0)))
        used = resource.getrusage(resource.RUSAGE_SELF)
        parsed = ParsedUpload(
            profile,
            read.frame.height,
            missing,
            used.ru_maxrss / 1024,
            used.ru_utime + used.ru_stime,
        )
        sender.send(("read", parsed))
    except ServiceError as exc:
        if limited and _out_of_memory(exc):
            sender.send(("memory", None))
        else:
            sender.send(("refused", (type(exc).__name__, exc.message, exc.code)))
    except MemoryError:
        sender.send(("memory", None))
    except BaseException as exc:
        # A bug, which the web process logs as one, unless a native library panicked
        # with its address space at the limit.
        if type(exc).__name__ == "PanicException" and limited:
            sender.send(("memory", None))
        else:
            sender.send(("bug", traceback.format_exc()))
    finally:
        sender.close()


def _out_of_memory(error: BaseException) -> bool:
    """Whether a reader's failure came from the address-space limit.

    Polars says so as ``OSError('Cannot allocate memory (os error 12)')`` without an
    errno, which the reader turns into "could not be read" like any parser failure.
    """
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, MemoryError) or (
            isinstance(cause, OSError)
            and (cause.errno == errno.ENOMEM or "os error 12" in str(cause))
        ):
            return True
        cause = cause.__cause__
    return False


def _limit_address_space(megabytes: int) -> bool:
    """Let this process grow by at most ``megabytes`` of address space.

    Counted from what the process already maps (a fork server's preloaded modules
    differ from one deployment to the next). Linux only; elsewhere no limit is set.
    Whether a limit was set.
    """
    statm = Path("/proc/self/statm")
    if megabytes <= 0 or not statm.exists():
        return False
    mapped = int(statm.read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    limit = mapped + megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    return True
