"""Error pages: in the site's layout and the visitor's language, with the right status."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from tests.conftest import make_app


def test_a_missing_page_has_a_plain_404_page(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in page
    assert '<html lang="en">' in page


def test_the_404_page_speaks_dutch(client: FlaskClient) -> None:
    client.post("/language", data={"lang": "nl"})
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert '<html lang="nl">' in response.get_data(as_text=True)


def test_an_expired_form_says_so(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'csrf.sqlite'}", WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/reply", data={"code": "ABCD"})
    assert response.status_code == 400
    assert "The form has expired" in response.get_data(as_text=True)


def test_a_wrong_method_is_405(client: FlaskClient) -> None:
    assert client.get("/reply/replace").status_code == 405
