"""Benchmarks: scripts that print their figures (the README quotes them). Run `make bench`."""
