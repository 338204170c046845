"""OpenAPI descriptions of the responses the JSON API routes share."""

from __future__ import annotations

from typing import Any

DOCUMENT: dict[str, Any] = {
    "description": "The analysis, a `claimscope.analysis/1` document (see `GET /api/schema`).",
    "content": {"application/json": {"schema": {"type": "object"}}},
}
ERROR: dict[str, Any] = {
    "description": "A message saying what is wrong with the request.",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"error": {"type": "string"}},
                "required": ["error"],
            }
        }
    },
}
