"""Benchmarks of klinggen and kling_fal against their peers, measured in the same run."""
