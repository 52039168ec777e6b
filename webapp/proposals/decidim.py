"""The most-voted proposals of a Decidim participatory process's Proposals component, ordered by
``voteCount`` on the server. ``voteCount`` is null when the space hides votes: then
:attr:`Fetched.votes_hidden` is set and the staff page offers the CSV route."""

from __future__ import annotations

from typing import Any

import httpx
from markupsafe import Markup

from webapp.i18n import lazy_gettext as _l
from webapp.proposals.graphql import (
    Fetched,
    Imported,
    ImportFailed,
    author_name,
    count,
    field,
    malformed,
    moment,
    node_id,
    nodes_of,
    post_query,
    site_of,
    text,
)

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
    data = post_query(client, api_url, DECIDIM_QUERY, variables)
    process = field(data, "participatoryProcess", optional=True)
    if process is None:
        raise ImportFailed(_l("Decidim has no public participatory process %(id)s.", id=process_id))
    component = field(process, "component", optional=True)
    if component is None or component.get("__typename") != "Proposals":
        raise ImportFailed(
            _l("Component %(id)s of this process is not a Proposals component.", id=component_id)
        )
    nodes = field(field(component, "proposals"), "nodes")
    base = site_url or site_of(api_url)
    proposals = [
        _decidim_proposal(node, base, process_id, component_id)
        for node in nodes_of(nodes)
        if not node.get("withdrawn")
    ]
    hidden = bool(proposals) and all(p.supports is None for p in proposals)
    if not hidden:
        proposals.sort(key=lambda p: p.supports or 0, reverse=True)
    return Fetched(proposals=proposals[:limit], votes_hidden=hidden)


def _translated(node: dict[str, Any], name: str) -> str:
    value = node.get(name)
    if value is None:
        return ""
    if not isinstance(value, dict):
        raise malformed(name)
    return text(value.get("translation"), name)


def _decidim_proposal(
    node: dict[str, Any], base: str, process_id: str, component_id: str
) -> Imported:
    ident = node_id(node)
    title = _translated(node, "title")
    if not title:
        raise malformed("title")
    return Imported(
        external_id=ident,
        title=title,
        summary=Markup(_translated(node, "body")).striptags(),  # Decidim's body is HTML
        supports=count(node.get("voteCount"), "voteCount"),
        reference=text(node.get("reference"), "reference") or None,
        state=text(node.get("state"), "state") or None,
        published_at=moment(node.get("publishedAt"), "publishedAt"),
        author_name=author_name(node, "author", "name"),
        link=f"{base}/processes/{process_id}/f/{component_id}/proposals/{ident}",
    )
