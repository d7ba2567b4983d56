/**
 * The authorization engine's public API: {@link dev.aegis.policy.api.AuthzService} (OpenFGA-compatible HTTP
 * API and in-process checks), its settings and replies, and the {@code spi} for tuple sources.
 *
 * <p>Only this package and {@code api.spi} are exported; see {@code module-info.java} for why CEL stays on the
 * class path.
 */
package dev.aegis.policy.api;
