"""Browser pages of evidence: thin adapters over evidence.selectors and evidence.services."""
