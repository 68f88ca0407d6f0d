"""GET /api/v1/search: the search box for scripts and integrations."""

from __future__ import annotations

import uuid

from ninja import Query, Router, Schema
from pydantic import Field

from kesher.api.auth import ApiRequest
from kesher.api.errors import error_responses
from kesher.search import selectors
from kesher.search.models import SearchDocument

router = Router(tags=["search"])


class SearchParams(Schema):
    q: str = Field(
        "",
        description="Words to find; Hebrew prefixes and final letters need not match, and a "
        "name also finds its spelling in the other script by sound (Michal finds מיכל), "
        "ranked after matches of the word as typed. "
        "The last word also matches as a prefix unless followed by a space.",
    )
    archived: bool = Field(False, description="Include archived people and what is on them.")
    limit: int = Field(selectors.RESULT_LIMIT, ge=1, le=selectors.MAX_RESULT_LIMIT)


class SearchHitOut(Schema):
    kind: str = Field(description=" | ".join(SearchDocument.Kind.values))
    title: str
    snippet: str
    score: int
    archived: bool
    person_id: uuid.UUID | None = Field(
        None, description="The person to open (absent for organisations and deals)."
    )
    organization_id: uuid.UUID | None = Field(None, description="Set for organisations.")
    deal_id: uuid.UUID | None = Field(
        None, description="Set for deals: the deal to open (GET /api/v1/deals/{deal_id})."
    )


class SearchOut(Schema):
    query: str
    results: list[SearchHitOut]


@router.get(
    "",
    response={200: SearchOut, **error_responses(422)},
    summary="Search people, organisations, deals, needs, offers and notes",
)
def search(request: ApiRequest, params: Query[SearchParams]) -> SearchOut:
    """Results of the workspace best first, at most `limit`. A query of only spaces or
    punctuation finds nothing; longer than 200 characters it is cut."""
    found = selectors.search(
        workspace=request.auth.workspace,
        query=params.q,
        include_archived=params.archived,
        limit=params.limit,
    )
    organization, deal = SearchDocument.Kind.ORGANIZATION, SearchDocument.Kind.DEAL
    return SearchOut(
        query=found.query,
        results=[
            SearchHitOut(
                kind=hit.kind,
                title=hit.title,
                snippet=hit.snippet,
                score=hit.score,
                archived=hit.archived,
                person_id=None if hit.kind in selectors.OWN_PAGE_KINDS else hit.target_id,
                organization_id=hit.target_id if hit.kind == organization else None,
                deal_id=hit.target_id if hit.kind == deal else None,
            )
            for hit in found.hits
        ],
    )
