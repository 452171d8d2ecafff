"""Entry point of shop_tools.load (the tool and its documentation live there)."""

from shop_tools.load import main

if __name__ == "__main__":
    raise SystemExit(main())
