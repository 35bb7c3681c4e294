"""The privacy page (owners only): find a visitor, export their data, erase it."""
