package dev.aegis.secrets.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.Clock;

/** {@code sys/leases/*} (lookup, renew, revoke, revoke-prefix, list), the legacy {@code sys/renew} and
 * {@code sys/revoke}, {@code sys/audit} and {@code sys/audit-hash}. */
final class SysLeaseApi {
    private final LeaseStore leases;
    private final RequestAudit audit;
    private final Clock clock;

    SysLeaseApi(LeaseStore leases, RequestAudit audit, Clock clock) {
        this.leases = leases;
        this.audit = audit;
        this.clock = clock;
    }

    Reply handle(Call call) {
        String rest = call.rest();
        if (rest.startsWith("leases/")) {
            rest = rest.substring(7);
        } else if (!rest.startsWith("renew") && !rest.startsWith("revoke") && !rest.startsWith("audit")) {
            throw VaultError.notFound();
        }
        if (rest.equals("lookup") && call.op() == Operation.WRITE) {
            return lookup(VaultJson.requiredText(call.body(), "lease_id"));
        }
        if (rest.startsWith("lookup/") && call.op() == Operation.LIST) {
            String prefix = rest.substring(7);
            return Reply.keys(leases.list(prefix.isEmpty() ? "" : prefix + "/"));
        }
        if (rest.equals("renew") || rest.startsWith("renew/")) {
            String id = rest.equals("renew") ? VaultJson.requiredText(call.body(), "lease_id") : rest.substring(6);
            return renew(id, Ttl.field(call.body(), "increment", Duration.ZERO));
        }
        if (rest.startsWith("revoke-prefix/") || rest.startsWith("revoke-force/")) {
            leases.revokePrefix(rest.substring(rest.indexOf('/') + 1));
            return Reply.noContent();
        }
        if (rest.equals("revoke") || rest.startsWith("revoke/")) {
            String id = rest.equals("revoke") ? VaultJson.requiredText(call.body(), "lease_id") : rest.substring(7);
            leases.revoke(id);
            return Reply.noContent();
        }
        if (rest.startsWith("audit-hash/")) {
            ObjectNode d = VaultJson.object();
            d.put("hash", audit.hash(VaultJson.requiredText(call.body(), "input")));
            ObjectNode body = d.deepCopy();
            body.set("data", d);
            return Reply.raw(body);
        }
        if (rest.equals("audit")) {
            ObjectNode d = VaultJson.object();
            ObjectNode device = d.putObject("aegis/");
            device.put("type", "aegis");
            device.put("description", "Aegis hash-chained audit log (values as HMAC-SHA256)");
            device.put("path", "aegis/");
            device.putObject("options").put("hmac", "hmac-sha256");
            ObjectNode body = d.deepCopy();
            body.set("data", d);
            return Reply.raw(body);
        }
        throw VaultError.notFound();
    }

    private Reply lookup(String id) {
        LeaseStore.Lease l = leases.lookup(id);
        Instant now = clock.instant();
        if (l == null || !now.isBefore(l.expiresAt())) {
            throw VaultError.badRequest("invalid lease");
        }
        ObjectNode d = VaultJson.object();
        d.put("id", l.id());
        d.put("issue_time", VaultJson.time(l.issuedAt()));
        d.put("expire_time", VaultJson.time(l.expiresAt()));
        if (l.renewedAt() == null) {
            d.putNull("last_renewal");
        } else {
            d.put("last_renewal", VaultJson.time(l.renewedAt()));
        }
        d.put("renewable", l.renewable());
        d.put("ttl", l.ttlSeconds(now));
        return Reply.data(d);
    }

    private Reply renew(String id, Duration increment) {
        LeaseStore.Lease l = leases.renew(id, increment);
        ObjectNode body = VaultJson.envelope(null);
        body.put("lease_id", l.id());
        body.put("renewable", l.renewable());
        body.put("lease_duration", l.ttlSeconds(clock.instant()));
        return Reply.raw(body);
    }
}
