"""Demo content for `make demo`: each capability adds a step in `steps/`."""
