"""The Overview page: state.py (OverviewState), page.py (the registered page)."""
