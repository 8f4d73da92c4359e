"""A service of your own: the in-memory default with one operation replaced.

Serve it with ``uvicorn myservice:app`` from a folder where both this file and
the generated package can be imported (e.g. ``PYTHONPATH=generated:examples``).
docgen never touches this file: it is not in ``generated/``'s manifest.
"""

from __future__ import annotations

import uuid

from financials_api import NO_QUERY, Query
from financials_api.v1_0 import models
from financials_api.v1_0.server.app import create_app
from financials_api.v1_0.server.memory import InMemoryService
from financials_api.v1_0.server.memory_services.company import InMemoryCompanyService


CONTOSO = uuid.UUID("f03b2a0e-6e74-4bb9-8b3a-1a7c5a1c2b3d")
"""The id of the one company (``Edm.Guid`` in the docs: a ``uuid.UUID``)."""


class MyCompanies(InMemoryCompanyService):
    """Companies come from elsewhere (here: a constant); customers stay in memory."""

    async def list(self, *, path: str, query: Query = NO_QUERY) -> list[models.Company]:
        companies = [models.Company(id=CONTOSO, display_name="Contoso")]
        return companies[: query.top]  # the page documents $top and $select


service = InMemoryService()
service.companies = MyCompanies(service.store)  # the customers keep their in-memory service
app = create_app(service)
