"""The evidence REST API: thin adapters over evidence.selectors and evidence.services."""
