"""Admin accounts: sign-in sessions, password hashing, sign-in rate limits."""
