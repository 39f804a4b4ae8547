"""Browser pages of the case domain: thin adapters over `ncb_cases.selectors` and `services`."""
