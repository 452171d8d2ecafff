"""Entry point of shop_tools.bench (the tool and its documentation live there)."""

from shop_tools.bench import main

if __name__ == "__main__":
    raise SystemExit(main())
