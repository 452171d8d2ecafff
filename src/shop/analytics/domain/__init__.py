"""The analytics domain: pure Python + pydantic, no I/O."""
