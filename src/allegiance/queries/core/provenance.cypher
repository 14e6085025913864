// name: provenance
// question: Which statements, sources and quotes stand behind a relation?
// param subject: actor         the subject (id, name or alias)
// param relation: relation     supports, opposes, mediates, controls or part_of
// param object: entity         the object, an actor or a place
// column statement: id
// column subject: id
// column relation: text
// column object: id
// column negated: bool          true: the statement denies the relation
// column kind: text
// column start: text           as the statement gave it
// column end: text
// column source: id
// column source_title: text
// column source_url: text
// column published: text
// column quote: text
// column claimed_by: id
// column confidence: float
MATCH (st:Statement)
WHERE st.subject = $subject AND st.relation = $relation AND st.object = $object AND
// include: _in_period r=st
OPTIONAL MATCH (src:Source) WHERE src.id = st.source
RETURN st.id AS statement, st.subject AS subject, st.relation AS relation, st.object AS object,
       st.negated AS negated, st.kind AS kind,
       coalesce(st.on_date, st.start_date) AS start, coalesce(st.on_date, st.end_date) AS `end`,
       st.source AS source, src.title AS source_title, src.url AS source_url, src.published AS published,
       st.quote AS quote, st.claimed_by AS claimed_by, st.confidence AS confidence
ORDER BY st.lo, st.id
