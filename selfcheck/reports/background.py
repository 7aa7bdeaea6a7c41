"""Reports rendered ahead of the download, in the background of each worker process.

Submitting a check, and the first results view of a definitive check that changed since (its plan,
say), asks for its reports with `prerender(assessment)`; once the page has answered, one thread per
worker process, started at the first job, renders them into the shared cache, so the download that
follows is served from it. A draft's results page does not: it is opened again after every few
answers, and rendering two reports each time spent more CPU than everything else for the one in
ten that is downloaded (bench.load at 1,000 users: p95 4.9 s with it, 139 ms without).
A download that finds no file asks for it too, before any other waiting job, and waits a moment
for it (`REPORT_WAIT_SECONDS`); beyond that it shows a page that follows the render.

Why a thread and no queue server: the renders are short (one to a few seconds), losing one costs
nothing (the next download or results view asks again, and the lock expires), and the app keeps
running as one process with SQLite for the demo and as many gunicorn workers and hosts as
production wants, with nothing else to run. The lock in the cache (`cache.py`: Redis, or `flock`
on one host) makes sure no two processes render the same report at once, whichever asked.
One thread per process, and one WeasyPrint call at a time (`pdf.py`), bounds the CPU and memory
a worker spends on renders.
"""

from __future__ import annotations

import itertools
import logging
import os
import queue
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import Flask, after_this_request, current_app, has_request_context
from flask_login import current_user

from selfcheck import policy
from selfcheck.extensions import db, get_by_id
from selfcheck.models import Assessment
from selfcheck.plan.views import plan_stamp

log = logging.getLogger(__name__)

KINDS = ("rapport", "inkoop")
URGENT, AHEAD = 0, 1  # a download waits for it / nobody waits yet


@dataclass(eq=False)
class Job:
    app: Flask
    assessment_id: int
    kind: str
    priority: int
    done: threading.Event = field(default_factory=threading.Event)
    started: bool = False
    outcome: str | None = None  # see render_into_cache


class Worker:
    """A priority queue and one daemon thread; jobs for the same report are merged."""

    def __init__(self):
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._queue: queue.PriorityQueue = queue.PriorityQueue()
        self._jobs: dict[tuple, Job] = {}  # queued or running, by (app, check, kind)
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None

    def submit(self, app: Flask, assessment_id: int, kind: str, priority: int) -> Job:
        name = (id(app), assessment_id, kind)
        with self._lock:
            if self._pid != os.getpid():  # first job, or a forked child: the parent's thread is not here
                self._queue, self._jobs, self._pid = queue.PriorityQueue(), {}, os.getpid()
                self._thread = threading.Thread(target=self._run, name="report-render", daemon=True)
                self._thread.start()
            job = self._jobs.get(name)
            if job is not None and (job.started or job.priority <= priority):
                return job
            if job is None:
                job = self._jobs[name] = Job(app, assessment_id, kind, priority)
            job.priority = priority  # queued again, ahead: the first of the two entries to come out runs it
            self._queue.put((priority, next(self._order), job))
            return job

    def _run(self) -> None:
        while True:
            _priority, _order, job = self._queue.get()
            with self._lock:
                if job.started:
                    continue
                job.started = True
            try:
                with job.app.app_context():
                    job.outcome = render_into_cache(job.assessment_id, job.kind)
            except Exception:  # a thread has no one to answer to: log it, and let the page say so
                job.outcome = "failed"
                log.exception("Report %s of check %s not rendered", job.kind, job.assessment_id)
            finally:
                with self._lock:
                    self._jobs.pop((id(job.app), job.assessment_id, job.kind), None)
                    self._idle.notify_all()
                job.done.set()

    def pending(self) -> int:
        """Jobs queued or running in this process."""
        with self._lock:
            return len(self._jobs)

    def wait(self, timeout: float = 60) -> bool:
        """Block until no job is queued or running (tests, benchmarks); False on timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._jobs:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True


worker = Worker()
wait = worker.wait


def render_into_cache(assessment_id: int, kind: str) -> str:
    """Make sure the cache holds the report as the database stands now. Returns what happened:
    'cached' (it was there), 'rendered', 'busy' (another process renders it), 'stale' (the check
    changed while rendering: not kept), 'missing' (no such check), or raises."""
    from selfcheck.reports.views import report_html  # views import this module

    assessment = get_by_id(Assessment, assessment_id)
    if assessment is None:
        return "missing"
    cache = current_app.extensions["report_cache"]
    store = cache.store
    key = cache.key(assessment, kind)
    if store.get(assessment_id, kind, key) is not None:
        return "cached"
    with store.lock(assessment_id, kind, key) as got:
        if not got:
            return "busy"
        if store.get(assessment_id, kind, key) is not None:  # finished while we looked
            return "cached"
        start = time.perf_counter()
        try:
            pdf = current_app.extensions["pdf_renderer"].render(report_html(assessment, kind))
        except Exception:
            store.mark_failed(assessment_id, kind, key)
            raise
        db.session.rollback()  # read the check again as it stands now
        current = get_by_id(Assessment, assessment_id)
        if current is None or cache.key(current, kind) != key:
            log.info("Report %s of check %s changed while rendering: not kept", kind, assessment_id)
            return "stale"
        store.put(assessment_id, kind, key, pdf)
        log.info(
            "Report %s of check %s rendered in %.0f ms (%d kB)",
            kind,
            assessment_id,
            (time.perf_counter() - start) * 1000,
            len(pdf) // 1024,
        )
        return "rendered"


def render_soon(assessment_id: int, kind: str, priority: int = AHEAD) -> Job:
    """Queue a render of one report of the current app now."""
    return worker.submit(current_app._get_current_object(), assessment_id, kind, priority)


# (app, check) -> its version, last change and plan when its reports were last asked for: a results
# page opened again and again asks once, until the check or its plan changes.
_asked: OrderedDict[tuple, tuple] = OrderedDict()
_asked_lock = threading.Lock()
_ASKED_MAX = 4096


def _may_download(assessment: Assessment) -> bool:
    return current_user.is_authenticated and policy.can_download_report(current_user, assessment.gemeente_id)


def prerender(assessment: Assessment) -> None:
    """Render the check's reports into the cache once this request has answered (now, outside a
    request). Call it after the commit that changed the check, or from a page that shows it."""
    app = current_app._get_current_object()
    if not app.config["REPORT_PRERENDER"]:
        return
    if has_request_context() and not _may_download(assessment):
        return  # an admin looking at results: nobody here downloads it
    name = (id(app), assessment.id)
    state = (assessment.version, assessment.updated_at, assessment.status, plan_stamp(assessment))
    with _asked_lock:
        if _asked.get(name) == state:
            return
    assessment_id = assessment.id

    def submit() -> None:
        with _asked_lock:
            _asked[name] = state
            _asked.move_to_end(name)
            while len(_asked) > _ASKED_MAX:
                _asked.popitem(last=False)
        for kind in KINDS:
            worker.submit(app, assessment_id, kind, AHEAD)

    if not has_request_context():
        submit()
        return

    @after_this_request
    def _after_the_page(response):
        if response.status_code < 400:  # a failed request changed nothing worth rendering
            submit()
        return response
