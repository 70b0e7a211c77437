"""The one error shape, ``{"error": {code, message, details}}``, and :class:`ApiError`
that services raise to answer with it.

Plain pydantic and Python, no web framework: the dashboard service (:mod:`api.dashboard`)
raises these from the ``ecomap dashboard`` command too, which must not load FastAPI or the
Neo4j driver. :mod:`api.errors` re-exports them and turns them into responses.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

#: The stable ``code`` for each HTTP status (unless a caller names another).
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "precondition_failed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    428: "precondition_required",
    429: "too_many_requests",
    500: "internal",
    503: "unavailable",
}


def code_for(status: int) -> str:
    """The stable code of an HTTP status.

    >>> code_for(422), code_for(418)
    ('invalid', 'error')
    """
    return CODES.get(status, "error")


class ErrorDetail(BaseModel):
    """One thing wrong: which field (a JSON path or parameter name) and why."""

    field: str = Field(description="JSON path of the bad field, or the parameter's name.")
    message: str


class ErrorBody(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. `invalid`, `conflict`.")
    message: str = Field(description="A sentence for people.")
    details: list[ErrorDetail] = Field(default_factory=list)


class ErrorResponse(BaseModel):
    """The shape of every error response."""

    error: ErrorBody

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "error": {
                        "code": "invalid",
                        "message": "the request has 1 invalid field",
                        "details": [{"field": "ties[2].ended", "message": "is before started"}],
                    }
                }
            ]
        }
    )


class ApiError(Exception):
    """Raised by routes and services to answer with the error shape.

    >>> e = ApiError(403, "leaders see aggregates only")
    >>> e.status, e.code, e.details
    (403, 'forbidden', [])
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        details: Sequence[ErrorDetail] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or code_for(status)
        self.message = message
        self.details = list(details)
        self.headers = headers


__all__ = ["CODES", "ApiError", "ErrorBody", "ErrorDetail", "ErrorResponse", "code_for"]
