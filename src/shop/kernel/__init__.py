"""Framework-free shared kernel: money, ids, time, errors and the event envelope."""
