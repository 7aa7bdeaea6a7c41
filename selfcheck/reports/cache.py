"""Rendered PDFs, kept until anything that shapes them changes, and the lock that lets only one
process render a given report at a time.

A report's key is a hash of everything it shows (the check's version and last change, status,
questionnaire, gemeente, plan, the national figures beside it) and of the code and templates that
draw it. Nothing is ever invalidated by hand: a saved answer changes the key in the database, so
every instance that reads that database asks for a new file. One version per (check, kind) is
kept; storing a new one drops the old.

Two stores, one interface:

- `FolderStore` (the default, `instance/report-cache/`): files shared by the workers of one host,
  locked with `flock`, which the kernel releases when a worker dies.
- `RedisStore` (`REPORT_CACHE_URL=redis://…`): shared by every host, the lock a Redis key with an
  expiry (released by its owner, or by the expiry when a worker dies mid-render), entries with a
  time to live (`REPORT_CACHE_TTL`) so reports nobody downloads drop out. If Redis is briefly
  unreachable a download renders without the cache (logged) rather than answering 500.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import redis

from selfcheck.models import Assessment
from selfcheck.plan.views import plan_stamp
from selfcheck.reports.context import stamp

log = logging.getLogger(__name__)

# Files whose content shapes a PDF; their hash is part of every cache key.
RENDER_INPUTS = (
    "templates/report/*",
    "templates/partials/*",
    "static/report/*",
    "selfcheck/core/*.py",
    "selfcheck/web/templating.py",
    "selfcheck/reports/*.py",
    "selfcheck/plan/*.py",
    "static/vendor/fonts/*",
)
# A render takes one to a few seconds; a lock older than this belongs to a worker that stopped
# mid-render (Redis only: the kernel releases a flock at once).
LOCK_SECONDS = 60
# After a failed render the progress page says so, and no one retries, for this long.
FAILED_SECONDS = 60


class Store(Protocol):
    def get(self, assessment_id: int, kind: str, key: str) -> bytes | None: ...
    def put(self, assessment_id: int, kind: str, key: str, pdf: bytes) -> None: ...
    def lock(self, assessment_id: int, kind: str, key: str) -> contextlib.AbstractContextManager[bool]: ...
    def mark_failed(self, assessment_id: int, kind: str, key: str) -> None: ...
    def failed(self, assessment_id: int, kind: str, key: str) -> bool: ...


class FolderStore:
    """One file per report in a folder; the workers of one host share it."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.locks = folder / "locks"
        self.locks.mkdir(parents=True, exist_ok=True)

    def _path(self, assessment_id: int, kind: str, key: str) -> Path:
        return self.folder / f"{assessment_id}-{kind}-{key}.pdf"

    def get(self, assessment_id, kind, key):
        try:
            return self._path(assessment_id, kind, key).read_bytes()
        except FileNotFoundError:
            return None

    def put(self, assessment_id, kind, key, pdf):
        self.folder.mkdir(parents=True, exist_ok=True)  # safe to delete at any time, like every cache
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as file:
            file.write(pdf)
        os.replace(tmp, self._path(assessment_id, kind, key))  # atomic: readers never see half a file
        for old in self.folder.glob(f"{assessment_id}-{kind}-*.pdf"):
            if old.name != f"{assessment_id}-{kind}-{key}.pdf":
                old.unlink(missing_ok=True)  # earlier versions of this report
        for old in self.folder.glob(f"{assessment_id}-{kind}-*.failed"):
            old.unlink(missing_ok=True)
        for old in self.locks.glob(f"{assessment_id}-{kind}-*.lock"):
            if old.name != f"{assessment_id}-{kind}-{key}.lock":
                old.unlink(missing_ok=True)  # nobody renders an outdated version any more

    @contextlib.contextmanager
    def lock(self, assessment_id, kind, key) -> Iterator[bool]:
        """Yields whether this process got the lock; never waits. The lock file stays (removing it
        while another process has it open would let a third one lock a new file of the same name)."""
        self.locks.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.locks / f"{assessment_id}-{kind}-{key}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def mark_failed(self, assessment_id, kind, key):
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"{assessment_id}-{kind}-{key}.failed").touch()

    def failed(self, assessment_id, kind, key):
        path = self.folder / f"{assessment_id}-{kind}-{key}.failed"
        try:
            return time.time() - path.stat().st_mtime < FAILED_SECONDS
        except FileNotFoundError:
            return False


class RedisStore:
    """Reports in Redis, shared by every instance: `<prefix>:report:<id>:<kind>:<key>` holds the PDF,
    `<prefix>:report:<id>:<kind>` the key of the version stored now."""

    def __init__(self, url: str, prefix: str, ttl: int):
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)
        self.prefix = prefix
        self.ttl = ttl

    def _name(self, *parts) -> str:
        return ":".join((self.prefix, *map(str, parts)))

    def get(self, assessment_id, kind, key):
        try:
            return self.client.get(self._name("report", assessment_id, kind, key))
        except redis.RedisError as error:
            log.warning("Report cache unreachable (%s): rendering without it", type(error).__name__)
            return None

    def put(self, assessment_id, kind, key, pdf):
        current = self._name("report", assessment_id, kind)
        try:
            old = self.client.get(current)
            with self.client.pipeline(transaction=True) as pipe:
                pipe.set(self._name("report", assessment_id, kind, key), pdf, ex=self.ttl)
                pipe.set(current, key, ex=self.ttl)
                if old and old.decode() != key:
                    pipe.delete(self._name("report", assessment_id, kind, old.decode()))
                pipe.delete(self._name("report-failed", assessment_id, kind, key))
                pipe.execute()
        except redis.RedisError as error:
            log.warning("Report cache unreachable (%s): the report was not kept", type(error).__name__)

    @contextlib.contextmanager
    def lock(self, assessment_id, kind, key) -> Iterator[bool]:
        lock = self.client.lock(self._name("report-lock", assessment_id, kind, key), timeout=LOCK_SECONDS)
        try:
            got = lock.acquire(blocking=False)
        except redis.RedisError as error:
            # Without Redis no instance can tell another it renders; rendering twice beats none.
            log.warning("Report lock unreachable (%s): rendering without it", type(error).__name__)
            yield True
            return
        if not got:
            yield False
            return
        try:
            yield True
        finally:
            with contextlib.suppress(redis.RedisError):  # expired already: the expiry released it
                lock.release()

    def mark_failed(self, assessment_id, kind, key):
        with contextlib.suppress(redis.RedisError):
            self.client.set(self._name("report-failed", assessment_id, kind, key), 1, ex=FAILED_SECONDS)

    def failed(self, assessment_id, kind, key):
        try:
            return bool(self.client.exists(self._name("report-failed", assessment_id, kind, key)))
        except redis.RedisError:
            return False

    def close(self) -> None:
        self.client.close()


def render_version(root: Path) -> str:
    digest = hashlib.sha256()
    for pattern in RENDER_INPUTS:
        for path in sorted(root.glob(pattern)):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class ReportCache:
    """Rendered PDFs keyed by everything that shapes them, in a folder or in Redis."""

    def __init__(self, store: Store, root: Path):
        self.store = store
        self.version = render_version(root)

    @property
    def folder(self) -> Path | None:
        """The folder of a folder store (the benchmark empties it); None for Redis."""
        return getattr(self.store, "folder", None)

    def key(self, assessment: Assessment, kind: str) -> str:
        parts = (
            assessment.id,
            kind,
            assessment.version,
            assessment.updated_at.isoformat(),
            assessment.status,
            assessment.questionnaire_fingerprint,
            assessment.gemeente.name,
            plan_stamp(assessment),
            stamp(assessment),
            self.version,
        )
        return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]

    def get(self, assessment: Assessment, kind: str, key: str) -> bytes | None:
        return self.store.get(assessment.id, kind, key)

    def put(self, assessment: Assessment, kind: str, key: str, pdf: bytes) -> None:
        self.store.put(assessment.id, kind, key, pdf)


def make_store(config, instance_path: str) -> Store:
    url = config.get("REPORT_CACHE_URL")
    if url:
        return RedisStore(url, config["REPORT_CACHE_PREFIX"], config["REPORT_CACHE_TTL"])
    return FolderStore(Path(instance_path) / "report-cache")
