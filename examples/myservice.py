"""A service of your own: the in-memory default with one operation replaced.

Serve it with ``uvicorn myservice:app`` from a folder where both this file and
the generated package can be imported (e.g. ``PYTHONPATH=generated:examples``).
docgen never touches this file: it is not in ``generated/``'s manifest.
"""

from __future__ import annotations

from financials_api import NO_QUERY, Query
from financials_api.v1_0 import models
from financials_api.v1_0.server.app import create_app
from financials_api.v1_0.server.memory import InMemoryService


class MyService(InMemoryService):
    """Companies come from elsewhere (here: a constant); customers stay in memory."""

    async def company_list(self, *, path: str, query: Query = NO_QUERY) -> list[models.Company]:
        companies = [models.Company(id="c1", display_name="Contoso")]
        return companies[: query.top]  # the page documents $top and $select


app = create_app(MyService())
