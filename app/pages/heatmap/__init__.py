"""The widget heatmap: state.py (HeatmapState), page.py (the registered page), views.py (the
preview with its overlay, and the table of clicks per element)."""
