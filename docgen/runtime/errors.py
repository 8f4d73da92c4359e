"""Errors shared by the generated clients and servers.

Clients raise :class:`ApiError` for every response with a status of 400 or more;
services raise :class:`NotFound` (served as 404) and :class:`BadRequest` (400),
both with an OData error body ``{"error": {"code": ..., "message": ...}}``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ApiError", "BadRequest", "NotFound", "ServiceError", "odata_error"]


def odata_error(code: str, message: str) -> dict[str, Any]:
    """An OData error body."""
    return {"error": {"code": code, "message": message}}


class ApiError(Exception):
    """A response with an error status, as seen by a client."""

    def __init__(self, status_code: int, body: Any, method: str = "", url: str = "") -> None:
        self.status_code = status_code
        """The HTTP status code."""
        self.body = body
        """The decoded JSON body, else the text (empty when there was none)."""
        self.method = method
        """The request method."""
        self.url = url
        """The request URL."""
        super().__init__(f"{method} {url}: {status_code} {self.code}: {self.message}".strip())

    @property
    def error(self) -> dict[str, Any]:
        """The ``error`` object of an OData error body (empty when the body is not one)."""
        if isinstance(self.body, dict):
            error = self.body.get("error")
            if isinstance(error, dict):
                return error
        return {}

    @property
    def code(self) -> str:
        """The OData error code, when the body has one."""
        return str(self.error.get("code", ""))

    @property
    def message(self) -> str:
        """The OData error message, else the body as text."""
        if self.error:
            return str(self.error.get("message", ""))
        return self.body if isinstance(self.body, str) else ""


class ServiceError(Exception):
    """Raised by a service to answer with an OData error body."""

    status_code = 500
    code = "InternalServerError"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    """The addressed entity does not exist (404)."""

    status_code = 404
    code = "NotFound"


class BadRequest(ServiceError):
    """The request cannot be served as sent (400)."""

    status_code = 400
    code = "BadRequest"
