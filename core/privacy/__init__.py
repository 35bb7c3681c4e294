"""What the database holds about people, and (to come) how it is exported and erased."""
