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
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

try:
    from benchmarks._residents import run_residents
except ModuleNotFoundError:  # run as a script: benchmarks/ itself is first on sys.path
    from _residents import run_residents  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent

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
        result = run_residents(
            base_url, codes, double_every=args.double_every, timeout=args.timeout
        )
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
    parser.add_argument(
        "--double-every", type=int, default=10, help="every k-th resident double-submits (0: none)"
    )
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
