"""Entry point of shop_tools.mutation (the tool and its documentation live there)."""

from shop_tools.mutation import main

if __name__ == "__main__":
    raise SystemExit(main())
