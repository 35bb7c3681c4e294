"""Response quality: every bot answer scored, the review queue and the per-FAQ table."""
