"""The OpenAPI target: generated/openapi.json in the layout of fal's per-endpoint documents."""
