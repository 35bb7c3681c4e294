"""The Flows page: state.py (FlowsState), page.py (the registered page)."""
