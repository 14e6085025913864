package allegiance;

import java.util.List;
import java.util.stream.Stream;

import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

/**
 * allegiance.writeStatements(rows, nodeFields, edgeFields, label, target, exclusive):
 * the same graph as Neo4jStore.statement_writes, written with the core API.
 * nodeFields: the Statement node's property names, by row position (0..n-1).
 * edgeFields: [name, position] pairs for the relation edge (position -1: $exclusive).
 * Row positions 1, 3, 8 and 11 hold the subject, object, source and claimant ids.
 */
public class WriteStatements {
    private static final Label ACTOR = Label.label("Actor");
    private static final Label SOURCE = Label.label("Source");
    private static final Label STATEMENT = Label.label("Statement");
    private static final RelationshipType SUBJECT = RelationshipType.withName("SUBJECT");
    private static final RelationshipType OBJECT = RelationshipType.withName("OBJECT");
    private static final RelationshipType CITES = RelationshipType.withName("CITES");
    private static final RelationshipType CLAIMED_BY = RelationshipType.withName("CLAIMED_BY");

    @Context
    public Transaction tx;

    public record Written(long statements) {}

    @Procedure(name = "allegiance.writeStatements", mode = Mode.WRITE)
    public Stream<Written> writeStatements(@Name("rows") List<List<Object>> rows,
                                           @Name("nodeFields") List<String> nodeFields,
                                           @Name("edgeFields") List<List<Object>> edgeFields,
                                           @Name("label") String label, @Name("target") String target,
                                           @Name("exclusive") boolean exclusive) {
        RelationshipType type = RelationshipType.withName(label);
        Label targetLabel = Label.label(target);
        int n = nodeFields.size();
        String[] edgeNames = new String[edgeFields.size()];
        int[] edgeAt = new int[edgeFields.size()];
        for (int i = 0; i < edgeNames.length; i++) {
            edgeNames[i] = (String) edgeFields.get(i).get(0);
            edgeAt[i] = ((Number) edgeFields.get(i).get(1)).intValue();
        }
        long written = 0;
        for (List<Object> row : rows) {
            Node s = tx.findNode(ACTOR, "id", row.get(1));
            Node o = tx.findNode(targetLabel, "id", row.get(3));
            Node src = tx.findNode(SOURCE, "id", row.get(8));
            if (s == null || o == null || src == null) continue;
            Node st = tx.createNode(STATEMENT);
            for (int i = 0; i < n; i++) {
                Object v = row.get(i);
                if (v != null) st.setProperty(nodeFields.get(i), v);
            }
            st.createRelationshipTo(s, SUBJECT);
            st.createRelationshipTo(o, OBJECT);
            st.createRelationshipTo(src, CITES);
            Relationship r = s.createRelationshipTo(o, type);
            for (int i = 0; i < edgeNames.length; i++) {
                Object v = edgeAt[i] < 0 ? exclusive : row.get(edgeAt[i]);
                if (v != null) r.setProperty(edgeNames[i], v);
            }
            Object claimant = row.get(11);
            if (claimant != null) {
                Node c = tx.findNode(ACTOR, "id", claimant);
                if (c != null) st.createRelationshipTo(c, CLAIMED_BY);
            }
            written++;
        }
        return Stream.of(new Written(written));
    }
}
