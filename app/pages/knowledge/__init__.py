"""The Knowledge base page: state.py, views.py (table, import), editor.py, page.py."""
