// The affirming edges' evidence. The slot `hi` names the edge's last day: `hi` after _resolved,
// where a successor may cut it short, or r.hi.
     min(CASE WHEN r.negated THEN null ELSE r.lo_key END) AS start,
     max(CASE WHEN r.negated THEN null ELSE
// include: _edge_end hi={{hi}}
         END) AS last,
     collect(DISTINCT CASE WHEN r.negated THEN null ELSE r.kind END) AS kinds,
     collect(DISTINCT CASE WHEN r.negated THEN null ELSE r.source END) AS sources,
     collect(CASE WHEN r.negated THEN null ELSE r.statement END) AS statements
