"""Stage 2, the intermediate representation templates see, and the fixtures derived from it."""
