"""Benchmarks: `python -m tests.benchmarks.run` (docs/benchmarks.md); not collected by pytest."""
