"""Benchmarks (`make bench`): data generators and measured scenarios; figures, not tests."""
