"""Browser safety (issue 10, finding 2 and part 3): the security headers on every response,
no inline script or style in any page, and script-injection payloads in every user-supplied
field escaped on every page.

Both lists are generated: the pages from ``app.url_map`` (with the URL values of the
permission matrix), the fields from the forms those pages render. A new page or form field is
covered by itself; a new URL argument needs a value in ``url_values`` of
tests/webapp/test_permissions.py (the failure says so).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from werkzeug.routing import BuildError

from tests.webapp.replies_data import make_world
from tests.webapp.staff_data import World, app_with_files, build_world, log_in_as, methods
from tests.webapp.test_permissions import RULES, url_values
from webapp.extensions import db
from webapp.headers import CONTENT_SECURITY_POLICY

# One payload per field, tagged with the field so that a failure names it. Each part would run
# a script if it reached the page unescaped.
PAYLOAD = "'\"><script>alert({tag})</script><img src=x onerror=alert({tag})><svg onload=1>"
DANGER = re.compile(r"<script>alert\(|<img src=x onerror|<svg onload", re.IGNORECASE)
TEXT_INPUTS = {"text", "email", "tel", "search", "url", "password", ""}
SKIPPED_ACTIONS = ("/staff/logout",)  # would end the session the test goes on with


@dataclass
class Form:
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    free: list[str] = field(default_factory=list)  # the fields a person types into


class Forms(HTMLParser):
    """The POST forms of a page: what a browser would send, with every typed field marked."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self.current: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self.current = Form(action=a.get("action") or self.page_url)
            self.forms.append(self.current)
        if self.current is None or ("name" not in a and tag != "option"):
            return
        if tag == "input":
            kind = a.get("type", "").lower()
            if kind in TEXT_INPUTS:
                self.current.free.append(a["name"])
                self.current.fields[a["name"]] = [a.get("value", "")]
                return
            if kind in ("checkbox", "radio") and a["name"] in self.current.fields:
                return  # the first choice of a group is enough
            elif kind == "file":
                return
            self.current.fields.setdefault(a["name"], []).append(a.get("value", "y"))
        elif tag == "textarea":
            self.current.free.append(a["name"])
            self.current.fields[a["name"]] = [""]
            self._textarea = a["name"]
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and a.get("value"):
            self.current.fields.setdefault(self._select, [a["value"]])

    def handle_data(self, data: str) -> None:
        if self.current is not None and self._textarea:
            self.current.fields[self._textarea] = [self.current.fields[self._textarea][0] + data]

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        if tag == "form":
            self.current = None
        elif tag == "select":
            self._select = None


@dataclass
class Site:
    app: Flask
    world: World
    admin: FlaskClient
    resident: FlaskClient
    anonymous: FlaskClient


@pytest.fixture
def site(tmp_path: Path) -> Site:
    app = app_with_files(tmp_path, "safety.sqlite")
    world = build_world(app)
    with app.app_context():
        replies = make_world(n=2)
        db.session.commit()
    admin, resident = app.test_client(), app.test_client()
    log_in_as(admin, world.admin)
    assert resident.post("/reply", data={"code": replies.codes[0]}).status_code == 302
    return Site(app, world, admin, resident, app.test_client())


def page_urls(site: Site) -> list[str]:
    urls = []
    for rule in RULES:
        if "GET" not in methods(rule) or rule.endpoint == "static":
            continue
        with site.app.test_request_context():
            try:
                urls.append(url_for(str(rule.endpoint), **url_values(rule, site.world)))
            except BuildError:
                pytest.fail(
                    f"{rule.rule}: add a value for {sorted(rule.arguments)} to url_values in "
                    "tests/webapp/test_permissions.py"
                )
    return urls


# Valid values for fields with a shape: the all-at-once submission then gets accepted and its
# payloads stored. A new form with such a field gets its sample here.
SAMPLES = {
    "email": "someone@example.org",
    "password": "a long enough password",
    "current": "correct horse battery staple",
    "new": "a long enough password",
    "confirm": "a long enough password",
    "birth_year": "1980",
    "phone": "06 1234 5678",
    "age_bands": "16,30,45,65",
    "gender_female": "female",
    "gender_male": "male",
    "gender_non_binary": "other",
    "gender_undisclosed": "other",
    "starts_at": "2030-05-01T10:00",
    "ends_at": "2030-05-01T17:00",
    "targets": "gender,female,50",
    "code": "ABCD-EFGH-JKMN-P",
}


def _data(form: Form) -> dict[str, object]:
    return {k: v if len(v) > 1 else v[0] for k, v in form.fields.items()}


def _post(client: FlaskClient, action: str, data: dict[str, object], name: str) -> int:
    answer = client.post(action, data=data, follow_redirects=True)
    assert answer.status_code < 500, action
    found = DANGER.search(answer.get_data(as_text=True))
    assert found is None, f"unescaped after POST {action} ({name}): {found}"
    return 1


def _clients(site: Site) -> list[FlaskClient]:
    return [site.admin, site.resident, site.anonymous]


def test_every_page_escapes_payloads_in_every_field(site: Site) -> None:
    """Fill every typed field of every POST form on every page with a payload, submit, then
    render every page again: no payload may reach a page unescaped."""
    pages, submitted = page_urls(site), 0
    filled: set[tuple[str, str]] = set()
    for client in _clients(site):
        for url in pages:
            response = client.get(url)
            assert response.status_code < 500, url
            parser = Forms(url)
            parser.feed(response.get_data(as_text=True))
            for form in parser.forms:
                if form.action.startswith(SKIPPED_ACTIONS) or not form.free:
                    continue
                # One typed field at a time, the others as the page filled them (the
                # payload shown back with the field's error) ...
                for name in form.free:
                    data = _data(form)
                    data[name] = PAYLOAD.format(tag=len(filled))
                    filled.add((form.action, name))
                    submitted += _post(client, form.action, data, name)
                # ... then every free-text field at once, with a valid value in the fields
                # that have a shape (so that the form is accepted and the payloads stored).
                data = _data(form) | {k: v for k, v in SAMPLES.items() if k in form.fields}
                for name in set(form.free) - set(SAMPLES):
                    data[name] = PAYLOAD.format(tag=len(filled))
                submitted += _post(client, form.action, data, "all")
    assert submitted >= 12 and len(filled) >= 30, (submitted, len(filled))
    rendered, shown = 0, 0
    for client in _clients(site):
        for url in pages:
            response = client.get(url)
            if response.mimetype == "text/calendar":
                # A calendar feed holds the jury's name as iCalendar text; a browser never
                # runs it as a page (the type is fixed by X-Content-Type-Options: nosniff).
                assert response.headers["X-Content-Type-Options"] == "nosniff", url
                continue
            text = response.get_data(as_text=True)
            match = DANGER.search(text)
            assert match is None, (
                f"{url} shows a payload unescaped: {text[match.start() - 200 : match.end() + 100]}"
            )
            rendered += 1
            shown += "&lt;script&gt;alert(" in text
    # Stored payloads (a jury's name, a place, a user's name ...) do come back, escaped.
    assert shown >= 10, shown
    print(
        f"payloads: {len(filled)} fields, {submitted} submissions; {rendered} page renders, "
        f"{shown} show a stored payload escaped"
    )


def test_every_response_carries_the_security_headers(site: Site) -> None:
    for client in _clients(site):
        for url in [*page_urls(site), "/no-such-page", "/static/css/site.css"]:
            with client.get(url) as response:
                headers = response.headers
                assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
                assert headers["X-Content-Type-Options"] == "nosniff", url
                assert headers["Referrer-Policy"] == "no-referrer", url
                assert headers["X-Frame-Options"] == "DENY", url
                if url.startswith(("/staff/", "/reply")):
                    assert headers["Cache-Control"] == "no-store", url


def test_the_policy_allows_no_inline_script_or_style() -> None:
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "style-src 'self'" in CONTENT_SECURITY_POLICY


# Inline scripts, style attributes and event handlers: attributes only inside a tag (a
# placeholder such as `online=` in a Jinja call is no handler).
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<[a-z][^<>]*\s(?:style|on[a-z]+)=", re.IGNORECASE
)


def test_no_page_has_inline_script_style_or_handlers(site: Site) -> None:
    """What the policy would block: a page that needs it would break in the browser."""
    with site.app.app_context():
        from webapp.models import PopulationTarget

        db.session.add(
            PopulationTarget(jury_id=site.world.jury, category="gender", value="female", percent=50)
        )
        db.session.commit()
    for client in _clients(site):
        for url in page_urls(site):
            text = client.get(url).get_data(as_text=True)
            match = INLINE.search(text)
            assert match is None, f"{url}: {text[max(match.start() - 100, 0) : match.end() + 100]}"


def test_templates_have_no_inline_script_or_style() -> None:
    root = Path(__file__).resolve().parents[2] / "webapp"
    for template in root.rglob("*.html"):
        text = template.read_text()
        assert not INLINE.search(text), template
