"""Stage 3, the targets: what each output language or format needs beyond the IR."""
