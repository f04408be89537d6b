"""Stage 5, history: spec revisions, the diff between two of them, the changelog steps."""
