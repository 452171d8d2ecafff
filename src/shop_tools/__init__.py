"""The project's tools (`make package`, `make bench`, `make openapi`, ...): each `scripts/<tool>.py`
is a thin entry point that calls `shop_tools.<tool>.main()`. Never packaged into a Lambda zip."""
