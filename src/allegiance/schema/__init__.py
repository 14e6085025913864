"""Relation types and actor types, declared as data."""
