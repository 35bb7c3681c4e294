"""The Funnels page: state.py (FunnelsState), page.py (the registered page)."""
