"""ROI and industry benchmark: measured figures, the owner's assumptions, baselines."""
