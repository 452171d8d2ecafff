"""The payments domain: pure Python + pydantic, no I/O."""
