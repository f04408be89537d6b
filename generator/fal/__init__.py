"""Stage 6, fal: import fal's published OpenAPI documents, scaffold new endpoint files, and sync
with fal's Platform API."""

DEFAULT_API_URL = "https://api.fal.ai/v1"  # fal's Platform API (kept here: the CLI needs no httpx)
