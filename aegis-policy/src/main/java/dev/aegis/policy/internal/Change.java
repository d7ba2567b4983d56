package dev.aegis.policy.internal;

import java.time.Instant;

/**
 * One entry of the change log: a tuple written or deleted, numbered by the gapless sequence that is also the
 * consistency token. Immutable.
 */
public record Change(long seq, String storeId, boolean write, Tuple tuple, Instant at) { }
