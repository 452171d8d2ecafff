"""Entry point of shop_tools.plan (the tool and its documentation live there)."""

from shop_tools.plan import main

if __name__ == "__main__":
    raise SystemExit(main())
