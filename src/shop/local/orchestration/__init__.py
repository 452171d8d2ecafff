"""Starting, seeding and stopping the embedded stack (`python -m shop.local`)."""
