package dev.aegis.secrets.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.audit.api.AuditDecision;
import dev.aegis.audit.api.AuditEvent;
import dev.aegis.audit.api.AuditLog;
import dev.aegis.audit.api.AuditUnavailableException;
import java.util.Map;

/**
 * Audits every request of the secrets API in the platform's hash-chained audit log, as Vault's audit devices do:
 * the path, operation, status, token accessor and client address in clear; every string value of the request
 * and response bodies only as HMAC-SHA256 under the platform's audit key ({@code hmac-sha256:...}, checkable
 * with {@code sys/audit-hash}). Never a plaintext secret, never a token.
 *
 * <p>Fail-closed (the audit log's mode): a request that cannot be audited before it runs is refused, and a
 * response that cannot be audited is withheld.
 */
final class RequestAudit {
    private static final int MAX_HASHED_FIELDS = 24;
    private static final String SERVICE = "aegis-secrets";
    /** Fields of Vault's response envelope and metadata that are never secret: not worth an HMAC each. */
    private static final java.util.Set<String> NOT_SECRET = java.util.Set.of("request_id", "lease_duration",
            "renewable", "mount_type", "created_time", "deletion_time", "updated_time", "issue_time", "expire_time",
            "creation_time", "version", "destroyed", "type");

    private final AuditLog audit;

    RequestAudit(AuditLog audit) {
        this.audit = audit;
    }

    String hash(String value) {
        return audit.fingerprint(value);
    }

    /** Records the request before it runs (mutating operations). */
    void request(String method, String path, TokenEntry token, String remote, JsonNode body)
            throws AuditUnavailableException {
        AuditEvent.Builder b = base("secrets.request", method, path, token, remote).decision(AuditDecision.INFO);
        int[] budget = {MAX_HASHED_FIELDS};
        hashValues(b, "request", body, budget);
        audit.record(b.build());
    }

    /** Records the outcome, with the fingerprints of the request and response values. */
    void response(String method, String path, TokenEntry token, String remote, JsonNode requestBody, Reply reply)
            throws AuditUnavailableException {
        AuditEvent.Builder b = base("secrets.response", method, path, token, remote)
                .decision(reply.status() == 403 ? AuditDecision.DENY
                        : reply.status() < 400 ? AuditDecision.ALLOW : AuditDecision.INFO)
                .reason(reply.status() < 400 ? "ok" : reply.status() == 403 ? "permission_denied" : "error")
                .detail("status", Integer.toString(reply.status()));
        int[] budget = {MAX_HASHED_FIELDS};
        hashValues(b, "request", requestBody, budget);
        if (reply.body() != null) {
            hashValues(b, "response", reply.body(), budget);
        }
        if (budget[0] < 0) {
            b.detail("hmac_truncated", "true");
        }
        audit.record(b.build());
    }

    private AuditEvent.Builder base(String action, String method, String path, TokenEntry token, String remote) {
        AuditEvent.Builder b = AuditEvent.builder(action)
                .actor(token == null ? "anonymous" : "token:" + token.accessor())
                .resource(clip(path, 1024))
                .service(SERVICE)
                .detail("method", method);
        if (remote != null) {
            b.sourceAddress(clip(remote, 128));
        }
        if (token != null) {
            b.subject(clip(token.displayName(), 256));
        }
        return b;
    }

    /** Adds {@code prefix.field.path = hmac(value)} for string leaves, within the detail budget. */
    private void hashValues(AuditEvent.Builder b, String prefix, JsonNode node, int[] budget) {
        if (node == null || node.isNull()) {
            return;
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (!NOT_SECRET.contains(e.getKey())) {
                    hashValues(b, prefix + "." + e.getKey(), e.getValue(), budget);
                }
            }
        } else if (node.isArray()) {
            int i = 0;
            for (JsonNode e : node) {
                hashValues(b, prefix + "." + i++, e, budget);
            }
        } else if (node.isTextual() && !node.asText().isEmpty()) {
            if (budget[0]-- > 0) {
                b.detail(clip(prefix, 64), audit.fingerprint(node.asText()));
            }
        }
    }

    private static String clip(String s, int max) {
        String t = s.length() > max ? s.substring(s.length() - max) : s;
        StringBuilder out = null;
        for (int i = 0; i < t.length(); i++) {
            if (Character.isISOControl(t.charAt(i)) || Character.isSurrogate(t.charAt(i))) {
                if (out == null) {
                    out = new StringBuilder(t.substring(0, i));
                }
                out.append('?');
            } else if (out != null) {
                out.append(t.charAt(i));
            }
        }
        return out == null ? t : out.toString();
    }
}
