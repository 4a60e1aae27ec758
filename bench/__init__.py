"""Benchmarks: a provincial-size quarter measured stage by stage against its floors."""
