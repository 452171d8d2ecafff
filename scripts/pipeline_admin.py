"""Entry point of shop_tools.pipeline_admin (the tool and its documentation live there)."""

from shop_tools.pipeline_admin import main

if __name__ == "__main__":
    raise SystemExit(main())
