"""Contact requests: what visitors left with the contact form."""
