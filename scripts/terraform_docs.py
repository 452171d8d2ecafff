"""Entry point of shop_tools.terraform_docs (the tool and its documentation live there)."""

from shop_tools.terraform_docs import main

if __name__ == "__main__":
    raise SystemExit(main())
