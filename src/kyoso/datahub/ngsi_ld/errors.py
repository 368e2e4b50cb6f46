"""NGSI-LD errors as ProblemDetails (RFC 7807) with the types of ETSI GS CIM 009 §5.5.2."""

from __future__ import annotations

from typing import Any, ClassVar

ERROR_BASE = "https://uri.etsi.org/ngsi-ld/errors/"


class NgsiLdError(Exception):
    status: ClassVar[int] = 400
    name: ClassVar[str] = "BadRequestData"
    title: ClassVar[str] = "The request includes input data which does not meet the requirements"

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail

    @property
    def type(self) -> str:
        return ERROR_BASE + self.name

    def problem(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }


class InvalidRequest(NgsiLdError):
    name = "InvalidRequest"
    title = "The request associated to the operation is syntactically invalid"


class BadRequestData(NgsiLdError):
    pass


class AlreadyExists(NgsiLdError):
    status = 409
    name = "AlreadyExists"
    title = "The referred element already exists"


class ResourceNotFound(NgsiLdError):
    status = 404
    name = "ResourceNotFound"
    title = "The referred resource has not been found"


class OperationNotSupported(NgsiLdError):
    status = 422
    name = "OperationNotSupported"
    title = "The operation is not supported"


class TooManyResults(NgsiLdError):
    status = 403
    name = "TooManyResults"
    title = "The query result is too large"


class LdContextNotAvailable(NgsiLdError):
    status = 503
    name = "LdContextNotAvailable"
    title = "A remote JSON-LD @context referenced in a request cannot be retrieved"


class NonexistentTenant(NgsiLdError):
    status = 404
    name = "NonexistentTenant"
    title = "The addressed tenant does not exist"


class Unauthorized(NgsiLdError):
    # NGSI-LD defines no type for authentication: RFC 7807's "about:blank" with the HTTP title.
    status = 401
    name = ""
    title = "Unauthorized"

    @property
    def type(self) -> str:
        return "about:blank"


class Forbidden(Unauthorized):
    status = 403
    title = "Forbidden"
