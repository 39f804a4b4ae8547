"""Browser forms of the case domain; import from the submodules (cases, persons, network)."""
