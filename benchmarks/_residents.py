"""A simulated resident for the reply load test: the real path over HTTP, with a session cookie
and CSRF tokens (GET /reply, POST the code, GET the form, POST a "yes", GET the confirmation).

Used by ``benchmarks/replies.py`` and by its small version in the test suite.
"""

from __future__ import annotations

import http.cookiejar
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field

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
    double: bool = False  # post the reply twice at once, like a double click
    latencies: list[float] = field(default_factory=list)
    refused_duplicate: bool = False
    reply_latency: float | None = None
    reference: str | None = None
    error: str | None = None

    def __post_init__(self) -> None:
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def _call(self, path: str, data: dict[str, str | list[str]] | None = None) -> tuple[int, str]:
        status, text, _location = self._request(path, data)
        return status, text

    def _request(
        self, path: str, data: dict[str, str | list[str]] | None = None
    ) -> tuple[int, str, str]:
        """Status, body and Location of one request (redirects are not followed)."""
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body)
        started = time.perf_counter()
        try:
            with self._opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                status, text, location = response.status, response.read().decode(), ""
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode(errors="replace")
            location = exc.headers.get("Location", "")
        self.latencies.append(time.perf_counter() - started)
        return status, text, location

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
            "first_name": "Resident",
            "last_name": self.code[-4:],
            "birth_year": "1975",
            "gender": "undisclosed",
            "district": "Centro",
            "email": "resident@example.org",
            "availability": re.findall(CHECKBOX.format(name="availability"), form)[:1],
            "declarations": re.findall(CHECKBOX.format(name="declarations"), form),
            "consent": "y",
        }
        before = len(self.latencies)
        if self.double:
            self._post_twice(answers)
        else:
            status, _ = self._call("/reply/form", answers)
            self._expect(status == 302, f"POST /reply/form: {status}")
        self.reply_latency = self.latencies[before]
        status, done = self._call("/reply/done")
        found = REFERENCE.search(done)
        self._expect(status == 200 and found is not None, f"GET /reply/done: {status}")
        self.reference = found.group(1).strip() if found else None

    def _post_twice(self, answers: dict[str, str | list[str]]) -> None:
        """Two identical POSTs at once: one is stored, the other told "already replied"."""
        outcomes: list[tuple[int, str, str]] = []
        posts = [
            threading.Thread(target=lambda: outcomes.append(self._request("/reply/form", answers)))
            for _ in range(2)
        ]
        for post in posts:
            post.start()
        for post in posts:
            post.join(REQUEST_TIMEOUT)
        locations = sorted(location for status, _text, location in outcomes if status == 302)
        self._expect(locations == ["/reply/already", "/reply/done"], f"double POST: {outcomes}")
        self.refused_duplicate = True

    def _expect(self, ok: bool, what: str) -> None:
        if not ok:
            raise RuntimeError(what[:300])


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
        doubles = sum(r.double for r in self.residents)
        refused = sum(r.refused_duplicate for r in self.residents)
        return (
            f"{len(self.acknowledged)} replies acknowledged of {len(self.residents)}, "
            f"{refused} of {doubles} double submits refused as already replied, "
            f"{len(self.errors)} errors, {len(requests)} requests in {self.seconds:.2f} s: "
            f"{len(self.acknowledged) / self.seconds:.1f} replies/s; "
            f"p95 latency {1000 * self.p95(requests):.0f} ms per request, "
            f"{1000 * self.p95(posts):.0f} ms for the reply POST"
        )


def run_residents(
    base_url: str, codes: Sequence[str], *, double_every: int = 0, timeout: float = 300
) -> LoadResult:
    """All residents at once (one thread each, released together), bounded by ``timeout``.
    With ``double_every`` = k, every k-th resident posts the reply twice at once."""
    residents = [
        Resident(base_url, code, double=double_every > 0 and i % double_every == 0)
        for i, code in enumerate(codes)
    ]
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
