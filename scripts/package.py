"""Entry point of shop_tools.package (the tool and its documentation live there)."""

from shop_tools.package import main

if __name__ == "__main__":
    raise SystemExit(main())
