"""Lambda-like execution environments: forked workers that import a handler once and
serve one event at a time."""
