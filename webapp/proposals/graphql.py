"""What the Decidim and CONSUL imports share: the imported values, the error that says what
went wrong (in the page's language), one GraphQL POST through :mod:`httpx`, and checked reading
of the answer's fields (a missing or wrong field is named)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from flask_babel import LazyString

from webapp.i18n import lazy_gettext as _l

TIMEOUT = httpx.Timeout(15.0, connect=5.0)


@dataclass(frozen=True, slots=True)
class Imported:
    """One proposal as a platform (or a CSV file) gives it."""

    external_id: str
    title: str
    summary: str = ""
    supports: int | None = None
    reference: str | None = None
    state: str | None = None
    published_at: datetime | None = None
    author_name: str | None = None
    link: str | None = None


@dataclass(frozen=True, slots=True)
class Fetched:
    proposals: list[Imported]
    votes_hidden: bool = False


class ImportFailed(Exception):
    """Nothing was imported; ``message`` says why (translated when shown)."""

    def __init__(self, message: str | LazyString) -> None:
        super().__init__(str(message))
        self.message = message


def post_query(
    client: httpx.Client, url: str, query: str, variables: Mapping[str, Any]
) -> dict[str, Any]:
    """POST one GraphQL query; the ``data`` object of the answer, or :class:`ImportFailed`."""
    try:
        response = client.post(
            url,
            json={"query": query, "variables": dict(variables)},
            headers={"Accept": "application/json"},
            timeout=TIMEOUT,
        )
    except httpx.TimeoutException:
        raise ImportFailed(_l("The platform at %(url)s did not answer in time.", url=url)) from None
    except (httpx.HTTPError, ValueError):
        raise ImportFailed(
            _l("Could not reach %(url)s. Please check the address of the API.", url=url)
        ) from None
    if response.is_redirect:
        raise ImportFailed(
            _l(
                "%(url)s sends the request on to %(target)s: please give the API's own address.",
                url=url,
                target=response.headers.get("Location", "?"),
            )
        )
    if response.status_code >= 400:
        raise ImportFailed(
            _l(
                "The platform at %(url)s answered with HTTP error %(status)s.",
                url=url,
                status=response.status_code,
            )
        )
    try:
        body = response.json()
    except ValueError:
        raise ImportFailed(
            _l("The answer from %(url)s is not JSON: is this the address of the API?", url=url)
        ) from None
    if not isinstance(body, dict):
        raise malformed("data")
    errors = body.get("errors")
    if errors:
        first = errors[0] if isinstance(errors, list) and errors else errors
        text = first.get("message") if isinstance(first, dict) else str(first)
        raise ImportFailed(_l("The platform refused the query: %(message)s", message=str(text)))
    data = body.get("data")
    if not isinstance(data, dict):
        raise malformed("data")
    return data


def malformed(name: str) -> ImportFailed:
    return ImportFailed(
        _l(
            "The platform's answer is malformed: the field %(field)s is missing or wrong.",
            field=name,
        )
    )


def field(obj: Any, name: str, *, optional: bool = False) -> Any:
    if not isinstance(obj, dict) or (name not in obj and not optional):
        raise malformed(name)
    value = obj.get(name)
    if value is None and not optional:
        raise malformed(name)
    return value


def nodes_of(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise malformed("nodes")
    return value


def text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise malformed(name)
    return value.strip()


def node_id(node: dict[str, Any]) -> str:
    """A proposal's id on its platform (a string or a number there), as text."""
    ident = node.get("id")
    if not isinstance(ident, str | int) or str(ident) == "":
        raise malformed("id")
    return str(ident)


def author_name(node: dict[str, Any], author: str, name: str) -> str | None:
    """The public name under ``node[author][name]``; None when the platform shows none."""
    found = node.get(author)
    if not isinstance(found, dict):
        return None
    return text(found.get(name), f"{author}.{name}") or None


def count(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise malformed(name)
    return value


def moment(value: Any, name: str) -> datetime | None:
    if not value:
        return None
    if not isinstance(value, str):
        raise malformed(name)
    try:
        when = datetime.fromisoformat(value.replace(" UTC", "+00:00").replace("Z", "+00:00"))
    except ValueError:
        raise malformed(name) from None
    if when.tzinfo is None:
        return when
    return when.astimezone(UTC).replace(tzinfo=None)


def site_of(api_url: str) -> str:
    """The site's root: ``https://decide.example.org/graphql`` -> ``https://decide.example.org``."""
    url = httpx.URL(api_url)
    return f"{url.scheme}://{url.netloc.decode()}"
