// Rules 4 and 5: the edges that affirm the relation, those that deny it, the evidence.
     sum(CASE WHEN r.negated THEN 0 ELSE 1 END) AS affirmed,
     collect(CASE WHEN r.negated THEN r.statement ELSE null END) AS denials,
// include: _affirming hi={{hi}}
