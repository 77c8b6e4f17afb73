"""Storage: the content source reader, the deterministic database build and read-only access."""
