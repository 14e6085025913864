// name: mediators
// question: Who mediates between whom?
// The subject is the mediator, the object a party.
// include: _relation_columns
// include: _type_rows label=MEDIATES
ORDER BY subject_name, object_name, subject, object
