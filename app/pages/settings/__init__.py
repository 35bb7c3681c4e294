"""The Settings page: state.py (SettingsState), rules.py (triggers, quick actions), page.py."""
