"""Entry point of shop_tools.cost (the tool and its documentation live there)."""

from shop_tools.cost import main

if __name__ == "__main__":
    raise SystemExit(main())
