"""Demo steps; each module has ORDER and load(ctx)."""
