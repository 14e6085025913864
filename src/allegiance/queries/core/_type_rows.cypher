// The relation rows over the period of one type nothing supersedes, between actors, in
// shares by the subject `s`: `label` is the type's edge label (SUPPORTS, MEDIATES).
MATCH (s:Actor)-[r:{{label}}]->(o:Actor)
WHERE
// include: _share n=s
// include: _period_rows
