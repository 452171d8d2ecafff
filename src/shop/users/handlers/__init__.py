"""Lambda entry points of the users service."""
