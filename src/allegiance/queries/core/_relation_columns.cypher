// The columns of a relation row (rules 4 and 5), for `// include: _relation_columns`.
// column subject: id
// column subject_name: text
// column relation: text
// column object: id
// column object_name: text
// column start: date            earliest start among the statements behind it (null: unknown)
// column end: date              latest end among them (null: ongoing); a superseded hold ends the day before its successor
// column kinds: set
// column sources: set           sources of the affirming statements
// column statements: set        affirming statements overlapping the period
// column denials: set           denying statements overlapping the period
// column contested: bool        affirmed and denied over the period
