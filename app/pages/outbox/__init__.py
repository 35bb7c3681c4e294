"""The outbox page (owners): alerts waiting, failing or given up, and retrying one."""
