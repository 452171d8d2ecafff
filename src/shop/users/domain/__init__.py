"""Users' pure core: accounts, profiles, addresses, notifications; no I/O."""
