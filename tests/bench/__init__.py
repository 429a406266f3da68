"""Benchmarks (`make bench`): accuracy, speed, memory, service. Not collected by pytest."""
