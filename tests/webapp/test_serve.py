"""`make serve`: gunicorn and the worker on PostgreSQL and Redis, configured by the environment.

Started for real on a free port against the test PostgreSQL server and Redis: the home page
answers, the security headers are there, and Ctrl+C (SIGINT) stops both processes.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_serve_runs_gunicorn_and_the_worker(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    redis = redis_url
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": sa.make_url(postgres_url).render_as_string(hide_password=False),
        "REDIS_URL": redis,
        "KLEROTERION_INSTANCE_PATH": str(tmp_path),
        "KLEROTERION_SECRET_KEY": "s" * 32,
        "KLEROTERION_CODE_HMAC_KEY": "c" * 32,
        "WEB_WORKERS": "1",
    }
    process = subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    stdout = process.stdout
    assert stdout is not None
    reader = threading.Thread(target=lambda: lines.extend(iter(stdout.readline, "")))
    reader.start()
    try:
        body, headers = "", {}
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                    body, headers = answer.read().decode(), dict(answer.headers)
                break
            except OSError:
                time.sleep(0.5)
        assert "Kleroterion" in body or "<html" in body, "make serve did not answer"
        assert "frame-ancestors 'none'" in headers.get("Content-Security-Policy", "")
        while time.monotonic() < deadline and not any("Worker: " in line for line in lines):
            time.sleep(0.5)  # the worker may start after the web server answers
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        reader.join(timeout=10)
        stdout.close()
    output = "".join(lines)
    assert "worker" in output and "gunicorn" in output.lower(), output[-2000:]
    assert "Worker: " in output, output[-2000:]  # the task queue's worker started on Redis
    assert "RedisStorage" in output, output[-2000:]
