"""Domain errors raised by services; views and the API map them to 4xx responses in one place."""

from __future__ import annotations


class DomainError(Exception):
    """A request that cannot be carried out as asked (HTTP 400, or ``status``)."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code

    def as_dict(self) -> dict[str, object]:
        detail: dict[str, object] = {"code": self.code, "message": self.message}
        if self.field:
            detail["field"] = self.field
        return detail


class NotFoundError(DomainError):
    status = 404
    code = "not_found"


class PermissionDeniedError(DomainError):
    status = 403
    code = "forbidden"


class ConflictError(DomainError):
    status = 409
    code = "conflict"


class RateLimitedError(DomainError):
    """Too many requests of one kind in a short time (HTTP 429)."""

    status = 429
    code = "rate_limited"
