"""Admin pages (imported by the app's admin.py)."""
