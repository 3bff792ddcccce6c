"""The API's request and response bodies as marshmallow schemas, one module per domain; what
they share (the field kit, the version, the month, the error answer) in `common` (issue #17).

Each schema both checks a body (types, required keys, bounds of the columns, choices; unknown
keys refused) and is the OpenAPI document's component for it (apispec's MarshmallowPlugin)."""
