"""Entry point of shop_tools.openapi (the tool and its documentation live there)."""

from shop_tools.openapi import main

if __name__ == "__main__":
    raise SystemExit(main())
