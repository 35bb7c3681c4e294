"""The Inbox page: state.py (InboxState), views.py (list, transcript), page.py."""
