// name: control
// question: Who holds which place (one place with --param place=...)?
// A new holder ends an earlier, still open hold by someone else the day before it
// starts (controls is exclusive), recomputed from what was known at --known-at.
// param place: place = ""      the place (id, name or alias); all places if left out
// The subject is the holder, the object the place.
// include: _relation_columns
MATCH (s:Actor)-[r:CONTROLS]->(o:Place)
WHERE
// include: _share n=s
      ($place = '' OR o.id = $place) AND
// include: _in_period r=r
// include: _resolved_rows
ORDER BY object_name, start, subject, object
