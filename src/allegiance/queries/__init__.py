"""Query packs and the runner that binds their parameters."""
