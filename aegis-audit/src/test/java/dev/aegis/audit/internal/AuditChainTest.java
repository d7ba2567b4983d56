package dev.aegis.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aegis.audit.api.AuditRecord;
import org.junit.jupiter.api.Test;

class AuditChainTest {

    @Test
    void firstRecordIsHashedAfterThirtyTwoZeroBytes() {
        AuditRecord first = AuditChain.append(AuditChain.GENESIS_HASH, 1, CanonicalAuditEncodingTest.goldenEvent());
        // SHA-256(32 zero bytes || canonical(record 1)), computed independently in Python.
        assertEquals("5748a8fe0c1ed4b2ae9d3ddb686e110ce2aa4649d196fe7cf297678914ead5f8", first.hash());
    }

    @Test
    void eachHashCoversThePreviousHash() {
        AuditRecord first = AuditChain.append(AuditChain.GENESIS_HASH, 1, CanonicalAuditEncodingTest.goldenEvent());
        AuditRecord second = AuditChain.append(first.hash(), 2, CanonicalAuditEncodingTest.goldenEvent());
        assertEquals("55f678c1c7631e0abafe1b756bd5ad2ed29c309c14551cdf59dbabafdfc435db", second.hash());
    }

    @Test
    void recordWithForeignHashIsNotSelfConsistent() {
        AuditRecord r = AuditChain.append(AuditChain.GENESIS_HASH, 1, CanonicalAuditEncodingTest.goldenEvent());
        assertTrue(AuditChain.selfConsistent(r));
        assertFalse(AuditChain.selfConsistent(new AuditRecord(2, r.event(), r.previousHash(), r.hash())));
    }
}
