"""The Users page: state.py (UsersState), page.py (the registered page)."""
