// The affirming edges' evidence. The slot `hi` names the edge's last day: `hi` after _resolved,
// where a successor may cut it short (then encoded as a day, as encode_bound does), or r.hi.
     min(CASE WHEN r.negated THEN null ELSE r.lo_key END) AS start,
     max(CASE WHEN r.negated THEN null WHEN {{hi}} = r.hi THEN r.hi_key ELSE {{hi}} * {{bound_scale}} + {{day_precision}} END) AS last,
     collect(DISTINCT CASE WHEN r.negated THEN null ELSE r.kind END) AS kinds,
     collect(DISTINCT CASE WHEN r.negated THEN null ELSE r.source END) AS sources,
     collect(CASE WHEN r.negated THEN null ELSE r.statement END) AS statements
