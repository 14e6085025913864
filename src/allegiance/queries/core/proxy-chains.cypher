// name: proxy-chains
// question: Through which proxies does one actor back another (support paths of up to 3 hops)?
// Every hop must hold over the period (_holds: affirmed, known at --known-at, overlapping
// --as-of); a hop that is only denied does not count.
// param from: actor            the patron (id, name or alias)
// param to: actor              the actor reached (id, name or alias)
// column path: list             actor ids from the patron to the actor reached
// column names: list
// column hops: int
// column statements: set        the affirming statements along the path
// column sources: set
MATCH (a:Actor {id: $from})-[r1:SUPPORTS]->(b:Actor {id: $to})
WHERE true
// include: _holds r=r1
RETURN [a.id, b.id] AS path, [a.name, b.name] AS names, 1 AS hops,
       collect(DISTINCT r1.statement) AS statements, collect(DISTINCT r1.source) AS sources
UNION
MATCH (a:Actor {id: $from})-[r1:SUPPORTS]->(m1:Actor)-[r2:SUPPORTS]->(b:Actor {id: $to})
WHERE m1.id <> a.id AND m1.id <> b.id
// include: _holds r=r1
// include: _holds r=r2
RETURN [a.id, m1.id, b.id] AS path, [a.name, m1.name, b.name] AS names, 2 AS hops,
       collect(DISTINCT r1.statement) + collect(DISTINCT r2.statement) AS statements,
       collect(DISTINCT r1.source) + collect(DISTINCT r2.source) AS sources
UNION
MATCH (a:Actor {id: $from})-[r1:SUPPORTS]->(m1:Actor)-[r2:SUPPORTS]->(m2:Actor)-[r3:SUPPORTS]->(b:Actor {id: $to})
WHERE m1.id <> a.id AND m1.id <> b.id AND m2.id <> a.id AND m2.id <> b.id AND m1.id <> m2.id
// include: _holds r=r1
// include: _holds r=r2
// include: _holds r=r3
RETURN [a.id, m1.id, m2.id, b.id] AS path, [a.name, m1.name, m2.name, b.name] AS names, 3 AS hops,
       collect(DISTINCT r1.statement) + collect(DISTINCT r2.statement) + collect(DISTINCT r3.statement) AS statements,
       collect(DISTINCT r1.source) + collect(DISTINCT r2.source) + collect(DISTINCT r3.source) AS sources
