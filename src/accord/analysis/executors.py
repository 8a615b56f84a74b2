"""Where chunks run: one small interface, a local process pool, and a Dask cluster.

An :class:`Executor` applies a picklable function to work items and yields ``(item, result)``
pairs *as they complete* (any order). At most ``max_in_flight`` items are submitted at once,
so a sweep of 10⁵ replays never holds more than a few chunks in memory, and a sweep that is
killed loses only the chunks in flight.

- :class:`LocalExecutor`: processes on this machine (``concurrent.futures``); one worker runs
  inline in the calling process, which is what tests and small sweeps want.
- :class:`DaskExecutor`: a Dask ``distributed`` cluster at an address (``tcp://host:port`` or
  a scheduler file), or a ``LocalCluster`` started for the occasion. Workers must be able to
  import ``accord`` (same environment).

Results do not depend on the executor: every item is a deterministic function of its inputs.

Workers never outlive the process that started them. Local workers watch their parent and
exit within ``PARENT_POLL_S`` of its death, however it died (``kill -9`` included), so no
worker, and no ``multiprocessing`` resource tracker (which ends once every process holding its
pipe has), is left behind; Dask's own worker processes do the same. A LocalCluster listens on
127.0.0.1 only, its dashboard included.
"""

from __future__ import annotations

import abc
import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from types import TracebackType
from typing import Any, Literal, TypeVar

T = TypeVar("T")
R = TypeVar("R")

Backend = Literal["local", "dask"]


class ExecutorError(RuntimeError):
    """The executor could not start or reach its workers (a bad address, a missing package)."""


class Executor(abc.ABC):
    """Runs ``fn(item)`` for each item; yields ``(item, result)`` as each completes."""

    #: how many items run at the same time
    workers: int = 1

    @abc.abstractmethod
    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[T, R]]:
        """Apply ``fn`` to every item; an exception in any item is raised here after pending items are cancelled."""

    def close(self) -> None:  # noqa: B027 - optional hook, a no-op where there are no workers
        """Release workers (a no-op where there are none)."""

    def abort(self) -> None:
        """Stop at once (an interrupt): work in flight is dropped, workers are released."""
        self.close()

    @property
    def max_in_flight(self) -> int:
        # two per worker keeps every worker busy while the caller writes a finished chunk
        return 2 * max(1, self.workers)

    def describe(self) -> str:
        return f"{type(self).__name__}(workers={self.workers})"

    def __enter__(self) -> Executor:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class LocalExecutor(Executor):
    """Processes on this machine.

    Parameters
    ----------
    workers:
        Number of processes; ``None`` = the number of CPUs. With 1, items run inline in this
        process (no pickling, no start-up cost).

    Worker processes are started with the ``spawn`` method: the parent may be running a
    progress-bar thread, and forking a threaded process is unsafe. Workers ignore SIGINT: a
    Ctrl-C reaches the parent, which stops the sweep (:meth:`abort`) and says how to resume,
    instead of every worker printing its own traceback. Each worker exits as soon as its
    parent is gone (:func:`_init_worker`), so killing the parent leaves no process behind.
    """

    def __init__(self, workers: int | None = None) -> None:
        n = workers if workers is not None else (os.cpu_count() or 1)
        if n < 1:
            raise ValueError(f"expected at least 1 worker, found {n}")
        self.workers = n
        self._pool: ProcessPoolExecutor | None = None

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(os.getpid(),),
            )
        return self._pool

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[T, R]]:
        if self.workers == 1:
            for item in items:
                yield item, fn(item)
            return
        pool = self._get_pool()
        pending: dict[Future[R], T] = {}
        it = iter(items)
        try:
            while True:
                while len(pending) < self.max_in_flight:
                    nxt = next(it, _END)
                    if nxt is _END:
                        break
                    pending[pool.submit(fn, nxt)] = nxt
                if not pending:
                    return
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    item = pending.pop(fut)
                    yield item, fut.result()
        finally:
            for fut in pending:
                fut.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def abort(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        # the chunks in flight are lost anyway; do not wait for them to finish
        processes = list(getattr(pool, "_processes", {}).values())
        results = getattr(pool, "_result_queue", None)  # shutdown() forgets it
        manager = getattr(pool, "_executor_manager_thread", None)  # and this
        pool.shutdown(wait=False, cancel_futures=True)
        for p in processes:
            p.terminate()
        for p in processes:
            p.join(timeout=5)
            if p.is_alive():
                p.kill()
                p.join()
        # A worker stopped while sending a result leaves half a message in the result pipe, and
        # the pool's manager thread waits for the rest forever (this process holds the pipe's
        # write end, so no end-of-file comes), which hangs the interpreter's exit, where that
        # thread is joined. This process never writes there: closing its end gives the thread
        # the end-of-file, it finds the pool broken and ends.
        writer = getattr(results, "_writer", None)
        if writer is not None:
            with contextlib.suppress(OSError):
                writer.close()
        # Wait for that thread to end here: it closes its wake-up pipe as it ends, and the exit
        # hook of concurrent.futures writes to that pipe from another thread without a lock;
        # the two racing printed "OSError: Bad file descriptor" at exit after a SIGTERM.
        if manager is not None:
            manager.join(timeout=5)

    def describe(self) -> str:
        return f"local ({self.workers} {'process' if self.workers == 1 else 'processes'})"


_END: Any = object()


#: how often a local worker checks that its parent is alive (seconds)
PARENT_POLL_S = 0.25


def _init_worker(parent: int) -> None:
    """In each local worker: leave SIGINT to the parent, and exit once the parent is gone.

    A worker blocked on its task queue would otherwise wait forever after a ``kill -9`` of the
    parent (it holds the queue's write end itself, so it never sees end-of-file); it notices
    instead that it was handed to another parent (``getppid`` changes when a parent dies)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if os.getppid() != parent:  # the parent died while this worker started
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_S)
        os._exit(1)  # the parent's chunks in flight are lost anyway; nothing here to clean up

    threading.Thread(target=watch, name="accord-watch-parent", daemon=True).start()


class DaskExecutor(Executor):
    """A Dask ``distributed`` cluster.

    Parameters
    ----------
    address:
        ``tcp://HOST:PORT`` of a running scheduler, or the path of a scheduler file
        (``dask scheduler --scheduler-file F``). ``None`` starts a ``LocalCluster`` of
        ``workers`` single-threaded worker processes, closed again by :meth:`close`; it and
        its dashboard listen on 127.0.0.1 only (the dashboard on a free port).
    workers:
        Size of the LocalCluster (default: the number of CPUs); ignored with an address,
        where the cluster's own worker threads count.
    timeout:
        Seconds to wait for the scheduler.
    """

    def __init__(self, address: str | None = None, workers: int | None = None, timeout: float = 20.0) -> None:
        try:
            import distributed
        except ImportError as e:  # pragma: no cover - a declared dependency
            raise ExecutorError(
                "the dask backend needs the 'distributed' package: pip install 'dask[distributed]'"
            ) from e
        # distributed is untyped; keep its objects as Any
        Client: Any = distributed.Client
        LocalCluster: Any = distributed.LocalCluster
        self._cluster: Any = None
        self.address = address
        try:
            if address is None:
                n = workers if workers is not None else (os.cpu_count() or 1)
                # everything on loopback: a bare ":0" would put the dashboard on every interface
                self._cluster = LocalCluster(
                    n_workers=n,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address="127.0.0.1:0",
                    # the workers' own log (e.g. a heartbeat's traceback when the sweep is killed
                    # and they lose their scheduler) is noise here: task errors reach the client
                    silence_logs=logging.CRITICAL,
                )
                self._client: Any = Client(self._cluster, timeout=timeout)
            elif "://" in address:
                self._client = Client(address, timeout=timeout)
            elif os.path.isfile(address):
                self._client = Client(scheduler_file=address, timeout=timeout)
            else:
                raise ExecutorError(
                    f"expected a Dask scheduler address tcp://HOST:PORT or a scheduler file, found {address!r}"
                )
        except ExecutorError:
            self.close()
            raise
        except (OSError, TimeoutError) as e:
            self.close()
            raise ExecutorError(f"could not reach the Dask scheduler at {address}: {e}") from None
        threads = self._client.nthreads()
        self.workers = max(1, sum(threads.values()))

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[T, R]]:
        import distributed

        as_completed: Any = distributed.as_completed
        it = iter(items)
        pending: dict[Any, T] = {}
        ac = as_completed()

        def submit_more() -> None:
            while len(pending) < self.max_in_flight:
                nxt = next(it, _END)
                if nxt is _END:
                    return
                # pure=False: never let Dask deduplicate or cache; every chunk is computed as asked
                fut = self._client.submit(fn, nxt, pure=False)
                pending[fut] = nxt
                ac.add(fut)

        try:
            submit_more()
            while pending:
                fut = next(ac)
                item = pending.pop(fut)
                result: R = fut.result()
                fut.release()
                yield item, result
                submit_more()
        finally:
            for fut in pending:
                fut.cancel()

    def close(self) -> None:
        client = getattr(self, "_client", None)
        if client is not None:
            client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def describe(self) -> str:
        where = self.address if self.address is not None else "LocalCluster"
        return f"dask at {where} ({self.workers} worker threads)"


def make_executor(backend: Backend = "local", *, workers: int | None = None, address: str | None = None) -> Executor:
    """The executor for a backend name, with a clear error for a bad combination (naming the
    parameters, e.g. ```backend=dask```; the command line names its flags instead)."""
    if backend == "local":
        if address is not None:
            raise ExecutorError("`address` needs `backend=dask`")
        return LocalExecutor(workers)
    if backend == "dask":
        return DaskExecutor(address, workers)
    raise ExecutorError(f"expected backend local or dask, found {backend!r}")
