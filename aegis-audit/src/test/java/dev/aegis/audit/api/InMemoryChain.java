package dev.aegis.audit.api;

import dev.aegis.audit.internal.AuditChain;
import dev.aegis.audit.internal.ChainCommitter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/** A hand-written {@link ChainCommitter} stub keeping the chain in memory; can be told to fail or stall. */
final class InMemoryChain implements ChainCommitter {
    private final ReentrantLock lock = new ReentrantLock();
    private final List<AuditRecord> records = new ArrayList<>();
    volatile boolean failing;
    volatile long stallMillis;

    @Override
    public List<AuditRecord> commit(List<AuditEvent> events) {
        if (stallMillis > 0) {
            try {
                Thread.sleep(stallMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failing) {
            throw new IllegalStateException("database down");
        }
        lock.lock();
        try {
            List<AuditRecord> out = new ArrayList<>();
            String prev = records.isEmpty() ? AuditChain.GENESIS_HASH : records.get(records.size() - 1).hash();
            for (AuditEvent e : events) {
                AuditRecord r = AuditChain.append(prev, records.size() + 1, e);
                records.add(r);
                out.add(r);
                prev = r.hash();
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    List<AuditRecord> records() {
        lock.lock();
        try {
            return List.copyOf(records);
        } finally {
            lock.unlock();
        }
    }
}
