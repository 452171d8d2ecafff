"""The order aggregate, its events and the rules of checkout: pure Python + pydantic."""
