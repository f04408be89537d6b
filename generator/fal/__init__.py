"""Stage 6, fal: import fal's published OpenAPI documents, and scaffold new endpoint files."""
