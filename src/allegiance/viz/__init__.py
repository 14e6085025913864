"""Visualisations of the allegiance graph (offline HTML pages)."""
