"""Analyses over the resolved relations: pure functions of data (networkx style), no store."""
