"""Post-processing of the generated OpenAPI document, for what every operation shares."""

DETAIL_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
PAGE_NOT_FOUND = {
    "description": "The page number is past the last page (or not a number).",
    "content": {"application/json": {"schema": DETAIL_SCHEMA}},
}
BAD_QUERY = {
    "description": "A query parameter is not valid: `{parameter: [messages]}`.",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            }
        }
    },
}


def document_query_errors(result, generator, request, public):
    """Every operation with query parameters answers 400 naming a parameter it cannot use
    (a filter code, a date, `page_size`), and every paginated list 404 for a page past the
    last one: say so where an operation does not already document them."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            query = {
                p.get("name") for p in operation.get("parameters", []) if p.get("in") == "query"
            }
            responses = operation.setdefault("responses", {})
            if query - {"format"}:
                responses.setdefault("400", BAD_QUERY)
            if "page" in query:
                responses.setdefault("404", PAGE_NOT_FOUND)
    return result
