"""The Dask engine: the same per-clip function as the local engine, run as tasks on a Dask
distributed cluster (``pip install "formcheck[dask]"``).

Workers open the clips and write the outputs themselves, so they must see the clips and the
output folder at the same paths as this machine (shared storage); see docs/batch.md. Each
worker process keeps its pose model between tasks, as local workers do.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

from formcheck.batch.errors import EngineError
from formcheck.batch.jobs import FAILED, BatchSettings, ClipJob, ClipResult
from formcheck.batch.local import CheckFn, Sink
from formcheck.batch.worker import check_clip

CONNECT_TIMEOUT_S = 10.0
WORKERS_TIMEOUT_S = 30.0
INSTALL_HINT = 'pip install "formcheck[dask]"'


def run_dask(
    jobs: list[ClipJob],
    settings: BatchSettings,
    sink: Sink,
    scheduler: str,
    check: CheckFn = check_clip,
) -> None:
    """Check ``jobs`` on the cluster behind ``scheduler``, giving results to ``sink`` as they
    finish. On KeyboardInterrupt, clips not started are cancelled; clips already running on
    a worker run to their end there (Dask cannot stop a running task)."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise EngineError(
            f"--engine dask needs Dask distributed, which is not installed: {INSTALL_HINT}"
        ) from None
    _probe(scheduler, CONNECT_TIMEOUT_S)
    with Client(scheduler, timeout=CONNECT_TIMEOUT_S, set_as_default=False) as client:
        _check_workers(client, scheduler, settings)
        # Keys unique to this run: Dask shares a result between tasks of the same key, and
        # another batch may check a clip of the same name into another folder.
        run = uuid.uuid4().hex[:8]
        futures = {
            client.submit(check, job, settings, key=f"formcheck-{Path(job.folder).name}-{run}"): job
            for job in jobs
        }
        try:
            for future in as_completed(futures, loop=client.loop):
                job = futures[future]
                try:
                    result = future.result()
                except Exception as error:  # KilledWorker: the clip took its workers down
                    result = _failed(job, error)
                sink.finished(job, result)
        except KeyboardInterrupt:
            client.cancel([f for f in futures if not f.done()])
            raise


def _probe(scheduler: str, timeout: float) -> None:
    """Connect once by hand: a Client that cannot connect prints a traceback as it is
    garbage-collected and waits several seconds more, where a user needs one line."""
    from distributed.comm import connect
    from distributed.comm.addressing import normalize_address
    from distributed.security import Security

    async def attempt() -> None:
        args = Security().get_connection_args("client")
        comm = await connect(normalize_address(scheduler), timeout=timeout, **args)
        await comm.close()

    try:
        asyncio.get_running_loop()
        return  # inside an event loop (a notebook): the Client's own timeout has to do
    except RuntimeError:
        pass
    try:
        asyncio.run(attempt())
    except (OSError, ValueError, TypeError) as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        raise EngineError(
            f"cannot reach the Dask scheduler at {scheduler}: {reason}; check the address "
            "(e.g. tcp://HOST:8786) and that `dask scheduler` is running there"
        ) from None


def worker_facts(model: str) -> dict[str, Any]:
    """Run on each worker: its formcheck version, and whether it can find the pose model."""
    from formcheck import __version__
    from formcheck.errors import ModelError
    from formcheck.pose.models import resolve_model

    try:
        resolve_model(model)
        problem = None
    except ModelError as error:
        problem = str(error)
    return {"version": __version__, "model_problem": problem}


def _check_workers(client, scheduler: str, settings: BatchSettings) -> None:
    from formcheck import __version__

    try:
        client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
    except TimeoutError:
        raise EngineError(
            f"no Dask worker joined the scheduler at {scheduler} within "
            f"{WORKERS_TIMEOUT_S:.0f} s: start workers with "
            f"`dask worker {scheduler} --nworkers N --nthreads 1`"
        ) from None
    try:
        facts = client.run(worker_facts, settings.model)
    except Exception as error:  # a worker without formcheck cannot even load the function
        raise EngineError(
            f"a Dask worker cannot run formcheck ({type(error).__name__}: "
            f"{' '.join(str(error).split())}): install formcheck {__version__} with its "
            "models on every worker (see docs/batch.md)"
        ) from None
    for address, fact in sorted(facts.items()):
        if fact["version"] != __version__:
            raise EngineError(
                f"Dask worker {address} has formcheck {fact['version']}, this machine "
                f"{__version__}: install the same version everywhere"
            )
        if fact["model_problem"]:
            raise EngineError(f"Dask worker {address}: {fact['model_problem']}")


def _failed(job: ClipJob, error: Exception) -> ClipResult:
    reason = " ".join(str(error).split()) or type(error).__name__
    return ClipResult(
        clip=job.shown,
        output=job.folder,
        status=FAILED,
        exercise=job.exercise,
        expected_standing_leg=job.standing_leg,
        error=f"the Dask task failed ({type(error).__name__}: {reason})",
    )
