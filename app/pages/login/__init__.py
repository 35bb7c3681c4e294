"""The sign-in page: state.py (LoginState), page.py (the registered page)."""
