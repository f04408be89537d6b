"""Stage 4, output: render templates, run workers, write, format, stamp and swap the tree in."""
