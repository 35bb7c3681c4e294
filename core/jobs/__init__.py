"""The jobs runner (`python -m core.jobs`): delivers the outbox and runs scheduled jobs."""
