"""REST API (FAB ModelRestApi, OpenAPI at /api/v1/_openapi), one module per domain."""
