"""Reading the most-supported proposals from Decidim and CONSUL through their GraphQL APIs.

Both functions take an :class:`httpx.Client` (tests pass one with a mock transport or point
it at a local server) and return plain :class:`Imported` values, or raise
:class:`ImportFailed` whose message says, in the page's language, what went wrong.

- Decidim: a participatory process's Proposals component, ordered by ``voteCount`` on the
  server. ``voteCount`` is null when the space hides votes (:attr:`Fetched.votes_hidden`).
- CONSUL: ``proposals`` pages of at most 25 with no server-side order: we follow the cursor
  through all pages, drop retired proposals and sort by ``cached_votes_up`` ourselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

TIMEOUT = httpx.Timeout(15.0, connect=5.0)
CONSUL_PAGE = 25  # CONSUL's max_page_size
CONSUL_MAX_PAGES = 400  # 10,000 proposals: a cursor that never ends must not loop forever


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


DECIDIM_QUERY = """
query KleroterionProposals($process: ID!, $component: ID!, $first: Int!, $locale: String!) {
  participatoryProcess(id: $process) {
    component(id: $component) {
      id
      __typename
      ... on Proposals {
        proposals(first: $first, order: {voteCount: "desc"}) {
          nodes {
            id
            reference
            title { translation(locale: $locale) }
            body { translation(locale: $locale) }
            voteCount
            state
            publishedAt
            withdrawn
            author { name }
          }
        }
      }
    }
  }
}
"""

CONSUL_QUERY = """
query KleroterionProposals($first: Int!, $after: String) {
  proposals(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        id
        title
        summary
        cached_votes_up
        public_created_at
        retired_at
        public_author { username }
      }
    }
  }
}
"""


def fetch_decidim(
    client: httpx.Client,
    api_url: str,
    *,
    process_id: str,
    component_id: str,
    limit: int,
    locale: str,
    site_url: str | None = None,
) -> Fetched:
    """The ``limit`` proposals with the most votes of one Proposals component."""
    variables = {
        "process": process_id,
        "component": component_id,
        "first": limit,
        "locale": locale,
    }
    data = _post(client, api_url, DECIDIM_QUERY, variables)
    process = _field(data, "participatoryProcess", optional=True)
    if process is None:
        raise ImportFailed(_l("Decidim has no public participatory process %(id)s.", id=process_id))
    component = _field(process, "component", optional=True)
    if component is None or component.get("__typename") != "Proposals":
        raise ImportFailed(
            _l("Component %(id)s of this process is not a Proposals component.", id=component_id)
        )
    nodes = _field(_field(component, "proposals"), "nodes")
    base = site_url or _site_of(api_url)
    proposals = [
        _decidim_proposal(node, base, process_id, component_id)
        for node in _list(nodes)
        if not node.get("withdrawn")
    ]
    hidden = bool(proposals) and all(p.supports is None for p in proposals)
    if not hidden:
        proposals.sort(key=lambda p: p.supports or 0, reverse=True)
    return Fetched(proposals=proposals[:limit], votes_hidden=hidden)


def fetch_consul(client: httpx.Client, api_url: str, *, limit: int) -> Fetched:
    """The ``limit`` proposals with the most supports, retired ones left out."""
    found: list[Imported] = []
    after: str | None = None
    base = _site_of(api_url)
    for _page in range(CONSUL_MAX_PAGES):
        data = _post(client, api_url, CONSUL_QUERY, {"first": CONSUL_PAGE, "after": after})
        connection = _field(data, "proposals")
        for edge in _list(_field(connection, "edges")):
            node = _field(edge, "node")
            if node.get("retired_at"):
                continue
            found.append(_consul_proposal(node, base))
        page_info = _field(connection, "pageInfo")
        if not page_info.get("hasNextPage"):
            break
        after = page_info.get("endCursor")
        if not isinstance(after, str) or not after:
            raise _malformed("pageInfo.endCursor")
    else:
        raise ImportFailed(_l("CONSUL kept sending pages: stopped after 10,000 proposals."))
    found.sort(key=lambda p: (-(p.supports or 0), p.external_id))
    return Fetched(proposals=found[:limit])


def _post(
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
        raise _malformed("data")
    errors = body.get("errors")
    if errors:
        first = errors[0] if isinstance(errors, list) and errors else errors
        text = first.get("message") if isinstance(first, dict) else str(first)
        raise ImportFailed(_l("The platform refused the query: %(message)s", message=str(text)))
    data = body.get("data")
    if not isinstance(data, dict):
        raise _malformed("data")
    return data


def _malformed(name: str) -> ImportFailed:
    return ImportFailed(
        _l(
            "The platform's answer is malformed: the field %(field)s is missing or wrong.",
            field=name,
        )
    )


def _field(obj: Any, name: str, *, optional: bool = False) -> Any:
    if not isinstance(obj, dict) or (name not in obj and not optional):
        raise _malformed(name)
    value = obj.get(name)
    if value is None and not optional:
        raise _malformed(name)
    return value


def _list(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise _malformed("nodes")
    return value


def _text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _malformed(name)
    return value.strip()


def _count(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _malformed(name)
    return value


def _when(value: Any, name: str) -> datetime | None:
    if not value:
        return None
    if not isinstance(value, str):
        raise _malformed(name)
    try:
        moment = datetime.fromisoformat(value.replace(" UTC", "+00:00").replace("Z", "+00:00"))
    except ValueError:
        raise _malformed(name) from None
    return moment.replace(tzinfo=None) if moment.tzinfo is None else _to_utc_naive(moment)


def _to_utc_naive(moment: datetime) -> datetime:
    from datetime import UTC

    return moment.astimezone(UTC).replace(tzinfo=None)


def _translated(node: dict[str, Any], name: str) -> str:
    value = node.get(name)
    if value is None:
        return ""
    if not isinstance(value, dict):
        raise _malformed(name)
    return _text(value.get("translation"), name)


def _decidim_proposal(
    node: dict[str, Any], base: str, process_id: str, component_id: str
) -> Imported:
    ident = node.get("id")
    if not isinstance(ident, str | int) or str(ident) == "":
        raise _malformed("id")
    title = _translated(node, "title")
    if not title:
        raise _malformed("title")
    author = node.get("author")
    return Imported(
        external_id=str(ident),
        title=title,
        summary=Markup(_translated(node, "body")).striptags(),  # Decidim's body is HTML
        supports=_count(node.get("voteCount"), "voteCount"),
        reference=_text(node.get("reference"), "reference") or None,
        state=_text(node.get("state"), "state") or None,
        published_at=_when(node.get("publishedAt"), "publishedAt"),
        author_name=_text(author.get("name"), "author.name") or None
        if isinstance(author, dict)
        else None,
        link=f"{base}/processes/{process_id}/f/{component_id}/proposals/{ident}",
    )


def _consul_proposal(node: dict[str, Any], base: str) -> Imported:
    ident = node.get("id")
    if not isinstance(ident, str | int) or str(ident) == "":
        raise _malformed("id")
    title = _text(node.get("title"), "title")
    if not title:
        raise _malformed("title")
    if "cached_votes_up" not in node:
        raise _malformed("cached_votes_up")
    author = node.get("public_author")
    return Imported(
        external_id=str(ident),
        title=title,
        summary=_text(node.get("summary"), "summary"),
        supports=_count(node.get("cached_votes_up"), "cached_votes_up"),
        published_at=_when(node.get("public_created_at"), "public_created_at"),
        author_name=_text(author.get("username"), "public_author.username") or None
        if isinstance(author, dict)
        else None,
        link=f"{base}/proposals/{ident}",
    )


def _site_of(api_url: str) -> str:
    """The site's root: ``https://decide.example.org/graphql`` -> ``https://decide.example.org``."""
    url = httpx.URL(api_url)
    return f"{url.scheme}://{url.netloc.decode()}"
