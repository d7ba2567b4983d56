package dev.aegis.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TraceTest {

    private static Trace denial() {
        Trace root = Trace.root("doc:1#viewer@user:u");
        Trace union = root.child("union");
        Trace.set(union.child("direct"), false, "no tuples");
        Trace from = union.child("viewer from parent");
        Trace.set(from.child("via doc:1#parent@folder:f"), false, null);
        Trace.set(from, false, null);
        Trace.set(union, false, null);
        Trace.set(root, false, null);
        return root;
    }

    @Test
    void theAuditLineIsTheTextOnOneLine() {
        Trace t = denial();
        assertEquals(t.toText().strip().replace("\n", " | "), t.toLine(1000));
        assertFalse(t.toLine(1000).contains("\n"));
    }

    @Test
    void theAuditLineIsCutAtItsLimit() {
        Trace root = Trace.root("doc:1#viewer@user:u");
        for (int i = 0; i < 200; i++) {
            root.child("folder:f" + i + "#viewer");
        }
        String line = root.toLine(DecisionAudit.MAX_EXPLAIN_CHARS);
        assertEquals(DecisionAudit.MAX_EXPLAIN_CHARS + 3, line.length());
        assertTrue(line.endsWith("..."));
    }

    @Test
    void anAuditTraceRecordsAtMostItsBudgetAndNoTextBeyondIt() {
        Trace root = Trace.forAudit("doc:1#viewer@user:u");
        int recorded = 0;
        for (int i = 0; i < 100; i++) {
            if (Trace.open(root)) {
                root.child("step " + i);
                recorded++;
            }
        }
        assertEquals(Trace.AUDIT_NODES, recorded);
        assertFalse(Trace.open(root));
        assertNull(Trace.child(root, "one more"));
        assertFalse(Trace.open(null), "no trace: nothing to build");
    }
}
