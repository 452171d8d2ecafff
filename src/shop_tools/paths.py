"""Where the tools find the repository they work on."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src"
SCRIPTS = REPO / "scripts"  # the entry points, and the data files beside them
