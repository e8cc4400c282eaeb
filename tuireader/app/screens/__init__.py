"""One screen per module: library, reader, search, help."""
