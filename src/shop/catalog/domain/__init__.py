"""The catalog's rules: pure Python and pydantic, no I/O."""
