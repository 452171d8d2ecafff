"""Entry point of shop_tools.evaluate_recommendations (the tool and its documentation live there)."""

from shop_tools.evaluate_recommendations import main

if __name__ == "__main__":
    raise SystemExit(main())
