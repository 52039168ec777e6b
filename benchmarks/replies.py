"""Load test of the reply pages: many residents replying at once, each with their own code.

The app runs under gunicorn on 127.0.0.1 (never another interface), on SQLite (a scratch file)
or on PostgreSQL (a scratch database created on the server of ``--postgres`` and dropped
afterwards). The benchmark first creates a jury and the invitations with known codes directly
in the database, then each simulated resident walks the real path with CSRF tokens and a
session cookie: GET /reply, POST the code, GET the form, POST a "yes", GET the confirmation.

Afterwards the database is checked: every acknowledged reply (a confirmation page with a
reference) is stored exactly once, and there were no error responses.

    .venv/bin/python benchmarks/replies.py --residents 200
    .venv/bin/python benchmarks/replies.py --residents 200 \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CHECKBOX = r'name="{name}"[^>]*value="([^"]+)"'
REFERENCE = re.compile(r'<p class="reference">([^<]+)</p>')
REQUEST_TIMEOUT = 60.0


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a 302 is an answer to check, not to follow silently


@dataclass
class Resident:
    """One simulated resident: a cookie jar, a code, and what happened."""

    base_url: str
    code: str
    latencies: list[float] = field(default_factory=list)
    reply_latency: float | None = None
    reference: str | None = None
    error: str | None = None

    def __post_init__(self) -> None:
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def _call(self, path: str, data: dict[str, str | list[str]] | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body)
        started = time.perf_counter()
        try:
            with self._opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode(errors="replace")
        self.latencies.append(time.perf_counter() - started)
        return status, text

    def reply(self) -> None:
        """The whole path; sets ``reference`` on success, ``error`` otherwise."""
        try:
            self._reply()
        except Exception as exc:  # a benchmark reports every failure, whatever it is
            self.error = f"{type(exc).__name__}: {exc}"

    def _reply(self) -> None:
        status, page = self._call("/reply")
        self._expect(status == 200, f"GET /reply: {status}")
        status, _ = self._call("/reply", {"code": self.code, "csrf_token": _token(page)})
        self._expect(status == 302, f"POST /reply: {status}")
        status, form = self._call("/reply/form")
        self._expect(status == 200, f"GET /reply/form: {status}")
        answers: dict[str, str | list[str]] = {
            "csrf_token": _token(form),
            "answer": "yes",
            "birth_year": "1975",
            "gender": "undisclosed",
            "district": "Centro",
            "email": "resident@example.org",
            "availability": re.findall(CHECKBOX.format(name="availability"), form)[:1],
            "declarations": re.findall(CHECKBOX.format(name="declarations"), form),
            "consent": "y",
        }
        before = len(self.latencies)
        status, _ = self._call("/reply/form", answers)
        self.reply_latency = self.latencies[before]
        self._expect(status == 302, f"POST /reply/form: {status}")
        status, done = self._call("/reply/done")
        found = REFERENCE.search(done)
        self._expect(status == 200 and found is not None, f"GET /reply/done: {status}")
        self.reference = found.group(1).strip() if found else None

    def _expect(self, ok: bool, what: str) -> None:
        if not ok and self.error is None:
            raise RuntimeError(what)


def _token(page: str) -> str:
    found = CSRF.search(page)
    if found is None:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


@dataclass(frozen=True)
class LoadResult:
    residents: list[Resident]
    seconds: float

    @property
    def acknowledged(self) -> list[str]:
        return [r.reference for r in self.residents if r.reference]

    @property
    def errors(self) -> list[str]:
        return [r.error for r in self.residents if r.error]

    def p95(self, values: Sequence[float]) -> float:
        return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else 0

    def summary(self) -> str:
        requests = [t for r in self.residents for t in r.latencies]
        posts = [r.reply_latency for r in self.residents if r.reply_latency is not None]
        return (
            f"{len(self.acknowledged)} replies acknowledged of {len(self.residents)}, "
            f"{len(self.errors)} errors, {len(requests)} requests in {self.seconds:.2f} s: "
            f"{len(self.acknowledged) / self.seconds:.1f} replies/s; "
            f"p95 latency {1000 * self.p95(requests):.0f} ms per request, "
            f"{1000 * self.p95(posts):.0f} ms for the reply POST"
        )


def run_residents(base_url: str, codes: Sequence[str], *, timeout: float = 300) -> LoadResult:
    """All residents at once (one thread each, released together), bounded by ``timeout``."""
    residents = [Resident(base_url, code) for code in codes]
    gate = threading.Barrier(len(residents) + 1)

    def go(resident: Resident) -> None:
        gate.wait()
        resident.reply()

    with ThreadPoolExecutor(max_workers=len(residents)) as pool:
        futures = [pool.submit(go, r) for r in residents]
        gate.wait()
        started = time.perf_counter()
        wait(futures, timeout=timeout)
        seconds = time.perf_counter() - started
    return LoadResult(residents, seconds)


# --- the database side: scratch databases, the jury and its invitations ---------------------


def _env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "KLEROTERION_SECRET_KEY": "benchmark-secret",
        "KLEROTERION_CODE_HMAC_KEY": "benchmark-code-key",
        "DATABASE_URL": database_url,
        # One address sends every request: the per-address limit would refuse most of them.
        "KLEROTERION_RATELIMIT_ENABLED": "false",
    }


def prepare(database_url: str, residents: int) -> list[str]:
    """Migrate a fresh database and create a jury with ``residents`` invitations; the codes."""
    os.environ.update(_env(database_url))
    from flask_migrate import upgrade

    from sortition.codes import generate_codes, normalise_code
    from webapp import create_app
    from webapp.codes import code_hash
    from webapp.extensions import db
    from webapp.models import Invitation, InvitationBatch, Jury, Sitting

    app = create_app()
    codes = generate_codes(residents)
    with app.app_context():
        upgrade()
        jury = Jury(slug="bench", name="Benchmark jury", districts=["Centro", "Norte"])
        jury.declarations = ["I live in the city."]
        start = datetime.now().replace(microsecond=0) + timedelta(days=60)
        jury.sittings.append(Sitting(starts_at=start, ends_at=start + timedelta(hours=7)))
        db.session.add(jury)
        db.session.flush()
        batch = InvitationBatch(
            jury_id=jury.id, register_sha256="0" * 64, register_filename="bench.csv",
            households=residents, n=residents, seed="0", report={}, register_counts={},
        )  # fmt: skip
        db.session.add(batch)
        db.session.flush()
        db.session.add_all(
            Invitation(
                batch_id=batch.id,
                jury_id=jury.id,
                code_hash=code_hash(normalise_code(code)),
                stratum="Centro",
            )
            for code in codes
        )
        db.session.commit()
        db.engine.dispose()
    return codes


def stored_references(database_url: str) -> list[str]:
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT reference FROM replies")).scalars().all()
    engine.dispose()
    return list(rows)


@contextmanager
def scratch_postgres(admin_url: str) -> Iterator[str]:
    import sqlalchemy as sa

    url = sa.make_url(admin_url)
    name = f"kleroterion_bench_{os.getpid()}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def gunicorn(database_url: str, *, workers: int, threads: int) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        f"--workers={workers}",
        "--worker-class=gthread",
        f"--threads={threads}",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        "webapp:create_app()",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=_env(database_url))
    try:
        _wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/reply", timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start within 30 s")


def bench(database_url: str, label: str, args: argparse.Namespace) -> bool:
    codes = prepare(database_url, args.residents)
    with gunicorn(database_url, workers=args.workers, threads=args.threads) as base_url:
        result = run_residents(base_url, codes, timeout=args.timeout)
    stored = stored_references(database_url)
    acknowledged = result.acknowledged
    exactly_once = sorted(acknowledged) == sorted(set(acknowledged)) and sorted(stored) == sorted(
        acknowledged
    )
    print(f"{label:<11} {result.summary()}")
    print(f"{'':<11} stored {len(stored)} replies; every acknowledged reply exactly once: "
          f"{'yes' if exactly_once else 'NO'}")  # fmt: skip
    for error in sorted(set(result.errors))[:5]:
        print(f"{'':<11} error: {error}")
    return exactly_once and not result.errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker")
    parser.add_argument("--timeout", type=float, default=300, help="seconds for all residents")
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server (scratch database)")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    print(
        f"{args.residents} residents at once; gunicorn {args.workers} workers x "
        f"{args.threads} threads on 127.0.0.1; {os.cpu_count()} CPUs"
    )
    ok = True
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as scratch:
            ok &= bench(f"sqlite:///{scratch}/bench.sqlite", "SQLite", args)
    if args.postgres:
        with scratch_postgres(args.postgres) as url:
            ok &= bench(url, "PostgreSQL", args)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
