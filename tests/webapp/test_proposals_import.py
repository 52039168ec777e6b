"""Importing proposals: Decidim and CONSUL through GraphQL (recorded answers shaped on their
published schemas, served from 127.0.0.1 or a mock transport), and CSV uploads.

Bad input (an unreachable URL, a malformed answer, a CSV without supports) gets a message that
names what is wrong, and nothing stored changes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.webapp.proposals_data import DATA, PlatformState, platform_server, recorded
from webapp.extensions import db
from webapp.models.proposals import Proposal, ProposalSource, ProposalStatus
from webapp.proposals.consul import fetch_consul
from webapp.proposals.decidim import fetch_decidim
from webapp.proposals.graphql import ImportFailed, author_name, node_id


def _stored(app: Flask) -> list[tuple[str, str, int | None]]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Proposal).order_by(Proposal.source, Proposal.id))
        return [(p.source, p.external_id, p.supports) for p in rows]


def _decidim(client: FlaskClient, jury_id: int, url: str, **extra: object) -> TestResponse:
    data = {"api_url": url, "process_id": "12", "component_id": "31", "limit": "2", **extra}
    data = {f"decidim-{name}": value for name, value in data.items()}
    return client.post(f"/staff/juries/{jury_id}/proposals/decidim", data=data)


# The functions, with a mock transport


def _client(handler: object) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))  # type: ignore[arg-type]


def test_decidim_asks_for_the_order_by_votes_and_drops_withdrawn() -> None:
    seen: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(200, json=recorded("decidim_proposals.json"))

    fetched = fetch_decidim(
        _client(handler),
        "https://decidim.example.org/api",
        process_id="12",
        component_id="31",
        limit=10,
        locale="en",
    )
    assert 'order: {voteCount: "desc"}' in str(seen[0]["query"])
    assert seen[0]["variables"] == {"process": "12", "component": "31", "first": 10, "locale": "en"}
    assert [p.external_id for p in fetched.proposals] == ["412", "398", "405"]  # 377 withdrawn
    top = fetched.proposals[0]
    assert (top.title, top.supports, top.reference) == (
        "Shade trees on the market square",
        873,
        "DEMO-PROP-2026-11-412",
    )
    assert top.summary == "Plant twenty trees so that the square is cool in summer."
    assert top.link == "https://decidim.example.org/processes/12/f/31/proposals/412"
    assert top.author_name == "Marta G." and top.state == "evaluating"
    assert top.published_at is not None and top.published_at.hour == 7  # 09:14+02:00 in UTC
    assert not fetched.votes_hidden


def test_decidim_with_hidden_votes_says_so() -> None:
    fetched = fetch_decidim(
        _client(lambda r: httpx.Response(200, json=recorded("decidim_votes_hidden.json"))),
        "https://decidim.example.org/api",
        process_id="12",
        component_id="31",
        limit=10,
        locale="en",
    )
    assert fetched.votes_hidden and all(p.supports is None for p in fetched.proposals)


def test_consul_pages_through_everything_drops_retired_and_sorts() -> None:
    cursors: list[object] = []

    def handler(request: httpx.Request) -> httpx.Response:
        variables = json.loads(request.content)["variables"]
        cursors.append(variables["after"])
        assert variables["first"] == 25
        page = (
            "consul_proposals_page1.json"
            if variables["after"] is None
            else "consul_proposals_page2.json"
        )
        return httpx.Response(200, json=recorded(page))

    fetched = fetch_consul(_client(handler), "https://decide.example.org/graphql", limit=40)
    assert cursors == [None, "MjU"]
    assert len(fetched.proposals) == 29  # 32 public proposals, 3 retired
    assert fetched.proposals[0].title == "Madrid Central: clean air in the city centre"
    assert fetched.proposals[0].supports == 23421  # found on the second page
    assert "Retired: a tram to Barajas" not in {p.title for p in fetched.proposals}
    supports = [p.supports or 0 for p in fetched.proposals]
    assert supports == sorted(supports, reverse=True)
    assert fetched.proposals[0].link == "https://decide.example.org/proposals/1030"


@pytest.mark.parametrize(
    "answer,expected",
    [
        (httpx.ReadTimeout("slow"), "did not answer in time"),
        (httpx.ConnectError("refused"), "Could not reach https://p.example.org/api"),
        (httpx.Response(500, text="oops"), "HTTP error 500"),
        (
            httpx.Response(301, headers={"Location": "https://p.example.org/login"}),
            "sends the request on to https://p.example.org/login",
        ),
        (httpx.Response(200, text="<html>"), "is not JSON"),
        (httpx.Response(200, json=["a list"]), "the field data is missing"),
        (
            httpx.Response(200, json={"errors": [{"message": "Field 'x' doesn't exist"}]}),
            "Field 'x' doesn't exist",
        ),
        (
            httpx.Response(
                200,
                json={"data": {"participatoryProcess": {"component": {"__typename": "Proposals"}}}},
            ),
            "the field proposals is missing",
        ),
        (
            httpx.Response(200, json={"data": {"participatoryProcess": None}}),
            "no public participatory process 12",
        ),
        (
            httpx.Response(
                200,
                json={"data": {"participatoryProcess": {"component": {"__typename": "Meetings"}}}},
            ),
            "not a Proposals component",
        ),
    ],
)
def test_decidim_bad_answers_say_what_is_wrong(app: Flask, answer: object, expected: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(answer, Exception):
            raise answer
        assert isinstance(answer, httpx.Response)
        return answer

    with app.test_request_context(), pytest.raises(ImportFailed) as failed:
        fetch_decidim(
            _client(handler),
            "https://p.example.org/api",
            process_id="12",
            component_id="31",
            limit=5,
            locale="en",
        )
    assert expected in str(failed.value.message)


@pytest.mark.parametrize(
    "node,field",
    [
        ({"id": "1", "title": "T"}, "cached_votes_up"),
        ({"id": "1", "title": None, "cached_votes_up": 3}, "title"),
        ({"id": "1", "title": "T", "cached_votes_up": "many"}, "cached_votes_up"),
        ({"title": "T", "cached_votes_up": 3}, "id"),
    ],
)
def test_consul_missing_fields_are_named(app: Flask, node: dict[str, object], field: str) -> None:
    body = {"data": {"proposals": {"pageInfo": {"hasNextPage": False}, "edges": [{"node": node}]}}}
    with app.test_request_context(), pytest.raises(ImportFailed) as failed:
        fetch_consul(
            _client(lambda r: httpx.Response(200, json=body)),
            "https://c.example.org/graphql",
            limit=5,
        )
    assert f"the field {field} is missing or wrong" in str(failed.value.message)


# Through the web app, against the local server


def test_decidim_import_stores_the_top_proposals(
    app: Flask, client: FlaskClient, staff: int, platform: PlatformState
) -> None:
    response = _decidim(client, staff, f"{platform.url}/decidim/api")
    assert response.status_code == 302
    assert _stored(app) == [("decidim", "412", 873), ("decidim", "398", 641)]
    page = client.get(f"/staff/juries/{staff}/proposals").get_data(as_text=True)
    assert "2 proposals added, 0 updated." in page
    assert page.index("Shade trees on the market square") < page.index(
        "A night bus to the hospital"
    )


def test_reimport_updates_and_keeps_the_agenda(
    app: Flask, client: FlaskClient, staff: int, platform: PlatformState
) -> None:
    _decidim(client, staff, f"{platform.url}/decidim/api")
    with app.app_context():
        top = db.session.scalar(sa.select(Proposal).where(Proposal.external_id == "412"))
        assert top is not None
        top.status, top_id = ProposalStatus.ON_AGENDA, top.id
        db.session.commit()
    platform.decidim = "decidim_votes_hidden.json"
    response = _decidim(client, staff, f"{platform.url}/decidim/api")
    assert response.status_code == 302
    assert _stored(app) == [("decidim", "412", None), ("decidim", "398", None)]
    with app.app_context():
        assert db.session.get_one(Proposal, top_id).status == ProposalStatus.ON_AGENDA
    page = client.get(f"/staff/juries/{staff}/proposals").get_data(as_text=True)
    assert "0 proposals added, 2 updated." in page
    assert "hides its votes" in page and "CSV" in page


@pytest.mark.parametrize(
    "path,expected",
    [
        ("/decidim/api", "no public participatory process"),
        ("/not-json", "is not JSON"),
        ("/server-error", "HTTP error 502"),
    ],
)
def test_failed_decidim_import_changes_nothing(
    app: Flask, client: FlaskClient, staff: int, platform: PlatformState, path: str, expected: str
) -> None:
    _decidim(client, staff, f"{platform.url}/decidim/api")
    before = _stored(app)
    platform.decidim = "decidim_no_process.json"
    response = _decidim(client, staff, platform.url + path)
    assert response.status_code == 400
    assert expected in response.get_data(as_text=True)
    assert "Nothing was imported or changed" in response.get_data(as_text=True)
    assert _stored(app) == before


def test_unreachable_platform(app: Flask, client: FlaskClient, staff: int) -> None:
    with platform_server() as gone:
        url = f"{gone.url}/decidim/api"
    response = _decidim(client, staff, url)  # the server is shut down: connection refused
    assert response.status_code == 400
    assert f"Could not reach {url}" in response.get_data(as_text=True)
    assert _stored(app) == []


def test_graphql_errors_in_dutch(
    app: Flask, client: FlaskClient, staff: int, platform: PlatformState
) -> None:
    platform.decidim = "decidim_errors.json"
    client.post("/language", data={"lang": "nl", "next": "/"})
    response = _decidim(client, staff, f"{platform.url}/decidim/api")
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Het platform weigerde de vraag" in text and "voteCount" in text


def test_consul_import_pages_through_all_and_takes_the_top(
    app: Flask, client: FlaskClient, staff: int, platform: PlatformState
) -> None:
    response = client.post(
        f"/staff/juries/{staff}/proposals/consul",
        data={"consul-api_url": f"{platform.url}/consul/graphql", "consul-limit": "3"},
    )
    assert response.status_code == 302
    assert [r["variables"]["after"] for r in platform.requests] == [None, "MjU"]
    stored = _stored(app)
    assert len(stored) == 3 and ("consul", "1030", 23421) in stored
    with app.app_context():
        top = db.session.scalars(sa.select(Proposal).order_by(Proposal.supports.desc())).first()
        assert top is not None and top.title == "Madrid Central: clean air in the city centre"
        assert top.source == ProposalSource.CONSUL
    client.post(
        f"/staff/juries/{staff}/proposals/consul",
        data={"consul-api_url": f"{platform.url}/consul/graphql", "consul-limit": "3"},
    )
    assert len(_stored(app)) == 3  # re-imported: updated, not duplicated


def test_import_form_errors_name_the_field(client: FlaskClient, staff: int) -> None:
    response = client.post(
        f"/staff/juries/{staff}/proposals/consul",
        data={"consul-api_url": "decide.example.org", "consul-limit": "0"},
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The address starts with https://" in text and "A number from 1 to 100." in text


# CSV


def _upload(
    client: FlaskClient, jury_id: int, name: str, content: bytes | None = None
) -> TestResponse:
    data = content if content is not None else (DATA / name).read_bytes()
    return client.post(
        f"/staff/juries/{jury_id}/proposals/csv",
        data={"csv-file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_csv_upload_and_reupload(app: Flask, client: FlaskClient, staff: int) -> None:
    assert _upload(client, staff, "proposals.csv").status_code == 302
    stored = _stored(app)
    assert [s for _, _, s in stored] == [412, 1205, 37]
    changed = (DATA / "proposals.csv").read_bytes().replace(b",412,", b",500,")
    assert _upload(client, staff, "proposals.csv", changed).status_code == 302
    assert [s for _, _, s in _stored(app)] == [500, 1205, 37]


def test_csv_without_supports_is_refused(app: Flask, client: FlaskClient, staff: int) -> None:
    _upload(client, staff, "proposals.csv")
    before = _stored(app)
    response = _upload(client, staff, "proposals_no_supports.csv")
    assert response.status_code == 400
    assert "proposals_no_supports.csv has no column supports" in response.get_data(as_text=True)
    assert _stored(app) == before


def test_csv_errors_name_row_and_column(app: Flask, client: FlaskClient, staff: int) -> None:
    text = _upload(client, staff, "proposals_bad_rows.csv").get_data(as_text=True)
    assert (
        "proposals_bad_rows.csv row 2, column supports: &#39;many&#39; is not a whole number."
        in text
    )
    assert "proposals_bad_rows.csv row 3, column title: empty." in text
    assert "proposals_bad_rows.csv row 4, column link: a link starts with https://" in text
    assert _stored(app) == []


def test_csv_not_utf8_or_empty(client: FlaskClient, staff: int, tmp_path: Path) -> None:
    assert "is not a UTF-8 text file" in _upload(
        client, staff, "x.csv", "título\n".encode("utf-16")
    ).get_data(as_text=True)
    assert "x.csv is empty" in _upload(client, staff, "x.csv", b"").get_data(as_text=True)


def test_csv_problems_show_the_file_name_escaped_once(client: FlaskClient, staff: int) -> None:
    """The file name and the columns come from the organiser's file: the lazy messages that
    name them (webapp.i18n.lazy_gettext) reach the page escaped, and escaped once."""
    name = "<b>plan</b> & co.csv"
    page = _upload(client, staff, name, b"").get_data(as_text=True)
    assert "&lt;b&gt;plan&lt;/b&gt; &amp; co.csv is empty." in page
    assert "<b>plan</b>" not in page and "&amp;lt;" not in page and "&amp;amp;" not in page
    page = _upload(client, staff, name, b"name,link\nA,https://x.example\n").get_data(as_text=True)
    assert "&lt;b&gt;plan&lt;/b&gt; &amp; co.csv has no column title." in page
    assert "<b>plan</b>" not in page and "&amp;lt;" not in page


def test_both_platforms_read_ids_and_author_names_alike() -> None:
    assert node_id({"id": 7}) == "7" and node_id({"id": "gid://a"}) == "gid://a"
    for bad in ({}, {"id": ""}, {"id": 1.5}, {"id": None}):
        with pytest.raises(ImportFailed):
            node_id(bad)
    assert author_name({"author": {"name": " Ana "}}, "author", "name") == "Ana"
    assert author_name({"author": {"name": ""}}, "author", "name") is None
    assert author_name({"author": None}, "author", "name") is None  # the platform hides it
    with pytest.raises(ImportFailed):
        author_name({"public_author": {"username": 3}}, "public_author", "username")
