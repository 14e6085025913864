// name: relations
// question: Every relation over the period, of one type or of all (exclusive ones superseded)?
// param relation: relation = "" supports, opposes, mediates, controls or part_of; all if left out
// include: _relation_columns
MATCH (s:Actor)-[r]->(o)
WHERE
// include: _share n=s
      ($relation = '' OR r.relation = $relation) AND
// include: _in_period r=r
// include: _resolved_rows
ORDER BY relation, subject_name, object_name, subject, object
