"""The audit log page (owners): who did what, when and from where, filtered."""
