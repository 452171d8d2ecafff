"""Entry point of shop_tools.redrive (the tool and its documentation live there)."""

from shop_tools.redrive import main

if __name__ == "__main__":
    raise SystemExit(main())
