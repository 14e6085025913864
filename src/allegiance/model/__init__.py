"""The data model: partial dates, actors, places, sources, statements, relation types."""

from allegiance.model.entities import Actor, Known, Place, ScopedAlias, Source, Statement
from allegiance.model.partial_date import PartialDate
from allegiance.model.vocabulary import RelationType, actor_types, relation_types

__all__ = ["Actor", "Known", "PartialDate", "Place", "RelationType", "ScopedAlias", "Source", "Statement", "actor_types",
           "relation_types"]
