// One share of the answer: the rows of the actors `n` whose id is from share_from on and
// before share_to ('' is no bound). Run whole, a query leaves these lines out (see
// queries/pack.py). Every row of a query that includes this comes from one `n`.
// The ids go through coalesce() so that Neo4j still scans the actors in order and aggregates
// in that order: a range on the id index made `changes` 40% slower. After WHERE; ends in AND.
coalesce({{n}}.id, '') >= $share_from AND ($share_to = '' OR coalesce({{n}}.id, '') < $share_to) AND
