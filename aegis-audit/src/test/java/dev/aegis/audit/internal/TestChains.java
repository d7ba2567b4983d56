package dev.aegis.audit.internal;

import dev.aegis.audit.api.AuditDecision;
import dev.aegis.audit.api.AuditEvent;
import dev.aegis.audit.api.AuditRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds genuine chains and tampered copies for tests. */
final class TestChains {

    private TestChains() {
    }

    static AuditEvent event(int i) {
        return new AuditEvent("evt-" + i, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i), "user-" + (i % 7),
                "subject-" + i, "token.issue", "client:" + (i % 3), i % 5 == 0 ? AuditDecision.DENY : AuditDecision.ALLOW,
                null, "req-" + i, "10.0.0." + (i % 250), "aegis-identity", Map.of("n", Integer.toString(i)));
    }

    /** @return records 1..n of a genuine chain */
    static List<AuditRecord> chain(int n) {
        List<AuditRecord> out = new ArrayList<>();
        String prev = AuditChain.GENESIS_HASH;
        for (int i = 1; i <= n; i++) {
            AuditRecord r = AuditChain.append(prev, i, event(i));
            out.add(r);
            prev = r.hash();
        }
        return out;
    }

    /** @return database-like rows: position = stored sequence */
    static ListChainSource rows(List<AuditRecord> records) {
        List<StoredRow> rows = new ArrayList<>();
        for (AuditRecord r : records) {
            rows.add(StoredRow.of(r.sequence(), r));
        }
        return new ListChainSource(rows);
    }

    static AuditRecord withActor(AuditRecord r, String actor) {
        AuditEvent e = r.event();
        return new AuditRecord(r.sequence(), new AuditEvent(e.eventId(), e.time(), actor, e.subject(), e.action(),
                e.resource(), e.decision(), e.reason(), e.requestId(), e.sourceAddress(), e.service(), e.details()),
                r.previousHash(), r.hash());
    }

    static AuditRecord renumbered(AuditRecord r, long sequence) {
        return new AuditRecord(sequence, r.event(), r.previousHash(), r.hash());
    }
}
