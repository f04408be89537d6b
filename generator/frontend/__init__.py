"""Stage 1, the front end: read spec/ (load), merge it (assemble), check it (validate)."""
