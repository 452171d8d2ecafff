"""Entry point of shop_tools.test_summary (the tool and its documentation live there)."""

from shop_tools.test_summary import main

if __name__ == "__main__":
    raise SystemExit(main())
