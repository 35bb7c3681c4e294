"""The integrations page (owners): each outside channel, what it is sent, and a live test."""
