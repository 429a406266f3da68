"""Benchmarks (`make bench`): accuracy, speed, memory, service throughput. Not collected by pytest."""
