"""Admin of period reports."""
