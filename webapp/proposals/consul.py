"""The most-supported proposals of a CONSUL site. CONSUL's API has no server-side order and
pages of at most 25: we follow the cursor through every page, drop retired proposals and sort
by ``cached_votes_up`` ourselves."""

from __future__ import annotations

from typing import Any

import httpx

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

CONSUL_PAGE = 25  # CONSUL's max_page_size
CONSUL_MAX_PAGES = 400  # 10,000 proposals: a cursor that never ends must not loop forever

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


def fetch_consul(client: httpx.Client, api_url: str, *, limit: int) -> Fetched:
    """The ``limit`` proposals with the most supports, retired ones left out."""
    found: list[Imported] = []
    after: str | None = None
    base = site_of(api_url)
    for _page in range(CONSUL_MAX_PAGES):
        data = post_query(client, api_url, CONSUL_QUERY, {"first": CONSUL_PAGE, "after": after})
        connection = field(data, "proposals")
        for edge in nodes_of(field(connection, "edges")):
            node = field(edge, "node")
            if node.get("retired_at"):
                continue
            found.append(_consul_proposal(node, base))
        page_info = field(connection, "pageInfo")
        if not page_info.get("hasNextPage"):
            break
        after = page_info.get("endCursor")
        if not isinstance(after, str) or not after:
            raise malformed("pageInfo.endCursor")
    else:
        raise ImportFailed(_l("CONSUL kept sending pages: stopped after 10,000 proposals."))
    found.sort(key=lambda p: (-(p.supports or 0), p.external_id))
    return Fetched(proposals=found[:limit])


def _consul_proposal(node: dict[str, Any], base: str) -> Imported:
    ident = node_id(node)
    title = text(node.get("title"), "title")
    if not title:
        raise malformed("title")
    if "cached_votes_up" not in node:
        raise malformed("cached_votes_up")
    return Imported(
        external_id=ident,
        title=title,
        summary=text(node.get("summary"), "summary"),
        supports=count(node.get("cached_votes_up"), "cached_votes_up"),
        published_at=moment(node.get("public_created_at"), "public_created_at"),
        author_name=author_name(node, "public_author", "username"),
        link=f"{base}/proposals/{ident}",
    )
