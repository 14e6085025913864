// The encoded end of edge r whose last day the slot `hi` names (see _affirming): its own end
// as written, or, cut short by a successor, that day at day precision (encode_bound).
CASE WHEN {{hi}} = r.hi THEN r.hi_key ELSE {{hi}} * {{bound_scale}} + {{day_precision}} END
