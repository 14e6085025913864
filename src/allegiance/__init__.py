"""allegiance: an actor-alliance knowledge graph of sourced, dated statements."""

__version__ = "0.1.0"
