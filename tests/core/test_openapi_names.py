"""No two schemas of the API share a name: /api/v1/openapi.json would keep only one of them and
describe the other operations wrongly (issue 9: two collisions were found)."""

from __future__ import annotations

import typing
from collections import defaultdict

from pydantic import BaseModel


def _models(tp: object, found: set[type[BaseModel]]) -> None:
    if typing.get_origin(tp) is not None:
        for arg in typing.get_args(tp):
            _models(arg, found)
        return
    if isinstance(tp, type) and issubclass(tp, BaseModel) and tp not in found:
        found.add(tp)
        for field in tp.model_fields.values():
            _models(field.annotation, found)


def _schema_names() -> dict[str, set[str]]:
    """Return each schema name with the classes (module.name) published under it."""
    from kyoso.api import api

    api.get_openapi_schema()  # mounts every app's router
    found: set[type[BaseModel]] = set()
    for _prefix, router in api._routers:
        for path_operation in router.path_operations.values():
            for operation in path_operation.operations:
                for model in operation.models:
                    _models(model, found)
                for model in (operation.response_models or {}).values():
                    _models(model, found)
    names: dict[str, set[str]] = defaultdict(set)
    for model in found:
        names[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    return names


def test_no_two_api_schemas_share_a_name() -> None:
    names = _schema_names()
    assert len(names) > 50  # the walk reaches the apps' schemas
    assert {n: c for n, c in names.items() if len(c) > 1} == {}


def test_every_named_schema_is_in_the_document(client) -> None:  # type: ignore[no-untyped-def]
    published = set(client.get("/api/v1/openapi.json").json()["components"]["schemas"])
    assert {"VisionCommentIn", "CommentIn", "PortfolioDecisionOut", "DecisionOut"} <= published
