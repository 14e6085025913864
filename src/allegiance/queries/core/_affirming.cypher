// The affirming edges' evidence; `hi` < r.hi is an end cut short, encoded as a day (encode_bound).
     min(CASE WHEN r.negated THEN null ELSE r.lo_key END) AS start,
     max(CASE WHEN r.negated THEN null WHEN hi = r.hi THEN r.hi_key ELSE hi * {{bound_scale}} + {{day_precision}} END) AS last,
     collect(DISTINCT CASE WHEN r.negated THEN null ELSE r.kind END) AS kinds,
     collect(DISTINCT CASE WHEN r.negated THEN null ELSE r.source END) AS sources,
     collect(CASE WHEN r.negated THEN null ELSE r.statement END) AS statements
