package dev.aegis.policy.internal;

import java.time.Instant;

/** An OpenFGA store (a tenant's namespace of models and tuples). Immutable. */
public record StoreInfo(String id, String name, Instant createdAt, Instant updatedAt) { }
