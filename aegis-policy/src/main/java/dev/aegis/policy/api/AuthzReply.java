package dev.aegis.policy.api;

/**
 * One HTTP answer of the authorization API: status, JSON body (OpenFGA's shapes, or its error JSON) and the
 * consistency token to send as the {@code Aegis-Consistency-Token} header, or {@code null}. Immutable.
 */
public record AuthzReply(int status, String json, String consistencyToken) { }
