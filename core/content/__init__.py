"""What the owner configures for the widget: rich answer blocks, proactive triggers, quick
actions."""
