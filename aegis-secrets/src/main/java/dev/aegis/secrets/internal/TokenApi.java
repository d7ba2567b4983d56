package dev.aegis.secrets.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code auth/token/*}: create (child or orphan), lookup, lookup-self, lookup-accessor, renew, renew-self,
 * revoke, revoke-self, revoke-accessor, revoke-orphan. A non-root token may only create tokens with a subset of
 * its own policies.
 */
final class TokenApi {
    private final TokenStore tokens;
    private final Clock clock;
    private final Duration defaultTtl;
    private final Duration maxTtl;

    TokenApi(TokenStore tokens, Clock clock, Duration defaultTtl, Duration maxTtl) {
        this.tokens = tokens;
        this.clock = clock;
        this.defaultTtl = defaultTtl;
        this.maxTtl = maxTtl;
    }

    Reply handle(Call call) {
        String rest = call.rest();
        ObjectNode body = call.body();
        return switch (rest) {
            case "create", "create-orphan" -> create(call, rest.equals("create-orphan") || VaultJson.bool(body, "no_parent", false));
            case "lookup-self" -> Reply.data(describe(call.token()));
            case "lookup" -> Reply.data(describe(required(tokens.lookup(tokenParam(call)))));
            case "lookup-accessor" -> Reply.data(describe(required(tokens.lookupAccessor(
                    VaultJson.requiredText(body, "accessor")))));
            case "renew-self" -> auth(tokens.renew(call.token(), Ttl.field(body, "increment", Duration.ZERO)), null);
            case "renew" -> auth(tokens.renew(required(tokens.lookup(tokenParam(call))),
                    Ttl.field(body, "increment", Duration.ZERO)), null);
            case "renew-accessor" -> auth(tokens.renew(required(tokens.lookupAccessor(
                    VaultJson.requiredText(body, "accessor"))), Ttl.field(body, "increment", Duration.ZERO)), null);
            case "revoke-self" -> revoke(call.token());
            case "revoke", "revoke-orphan" -> revoke(tokens.lookup(tokenParam(call)));
            case "revoke-accessor" -> revoke(tokens.lookupAccessor(VaultJson.requiredText(body, "accessor")));
            default -> throw VaultError.notFound();
        };
    }

    private static String tokenParam(Call call) {
        String t = call.param("token");
        if (t == null || t.isEmpty()) {
            throw VaultError.badRequest("missing token");
        }
        return t;
    }

    private static TokenEntry required(TokenEntry e) {
        if (e == null) {
            throw VaultError.badRequest("bad token");
        }
        return e;
    }

    private Reply revoke(TokenEntry e) {
        if (e != null) {
            tokens.revoke(e);
        }
        return Reply.noContent();
    }

    private Reply create(Call call, boolean orphan) {
        ObjectNode body = call.body();
        TokenEntry parent = call.token();
        List<String> policies = VaultJson.strings(body, "policies");
        if (policies.isEmpty()) {
            policies = new ArrayList<>(parent.policies());
            policies.remove("root");
        }
        if (!parent.isRoot()) {
            for (String p : policies) {
                if (!"default".equals(p) && !parent.policies().contains(p)) {
                    throw VaultError.badRequest("child policies must be subset of parent");
                }
            }
            if (orphan) {
                throw VaultError.permissionDenied(); // Vault: orphans need root or sudo
            }
        }
        if (!VaultJson.bool(body, "no_default_policy", false) && !policies.contains("default")
                && !policies.contains("root")) {
            policies.add("default");
        }
        for (String p : policies) {
            PolicyStore.checkName(p);
        }
        Duration ttl = Ttl.field(body, "ttl", Ttl.field(body, "lease", defaultTtl));
        Duration explicitMax = Ttl.field(body, "explicit_max_ttl", Duration.ZERO);
        if (ttl.isZero() && !policies.contains("root")) {
            ttl = defaultTtl;
        }
        if (ttl.compareTo(maxTtl) > 0) {
            ttl = maxTtl;
        }
        if (parent.expiresAt() != null && !orphan) {
            Duration left = Duration.between(clock.instant(), parent.expiresAt());
            if (ttl.isZero() || ttl.compareTo(left) > 0) {
                ttl = left; // a child never outlives its parent
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        JsonNode m = body.get("meta");
        if (m != null && m.isObject()) {
            for (Map.Entry<String, JsonNode> e : m.properties()) {
                meta.put(e.getKey(), e.getValue().asText());
            }
        }
        String display = "token" + (body.hasNonNull("display_name") ? "-" + VaultJson.text(body, "display_name", "") : "");
        int uses = (int) VaultJson.integer(body, "num_uses", 0);
        if (uses < 0) {
            throw VaultError.badRequest("number of uses cannot be negative");
        }
        TokenStore.Issued issued = tokens.create(orphan ? null : parent.accessor(), policies, meta, display,
                "auth/token/create", ttl, explicitMax, VaultJson.bool(body, "renewable", true), uses, List.of());
        return auth(issued.entry(), issued.token());
    }

    /** The {@code auth} block of a login or token creation (the token appears only here, only once). */
    Reply auth(TokenEntry e, String token) {
        ObjectNode body = VaultJson.envelope(null);
        body.set("auth", authBlock(e, token, clock.instant()));
        return Reply.raw(body);
    }

    static ObjectNode authBlock(TokenEntry e, String token, Instant now) {
        ObjectNode auth = VaultJson.object();
        if (token != null) {
            auth.put("client_token", token);
        }
        auth.put("accessor", e.accessor());
        ArrayNode p = auth.putArray("policies");
        ArrayNode tp = auth.putArray("token_policies");
        for (String s : e.policies()) {
            p.add(s);
            tp.add(s);
        }
        ObjectNode meta = auth.putObject("metadata");
        e.meta().forEach(meta::put);
        auth.put("lease_duration", e.expiresAt() == null ? 0 : Math.max(0, Duration.between(now, e.expiresAt()).toSeconds()));
        auth.put("renewable", e.renewable());
        auth.put("entity_id", "");
        auth.put("token_type", "service");
        auth.put("orphan", e.parentAccessor() == null);
        auth.putNull("mfa_requirement");
        auth.put("num_uses", e.numUses());
        return auth;
    }

    private ObjectNode describe(TokenEntry e) {
        Instant now = clock.instant();
        ObjectNode d = VaultJson.object();
        d.put("accessor", e.accessor());
        d.put("creation_time", e.createdAt().getEpochSecond());
        d.put("creation_ttl", e.ttl().toSeconds());
        d.put("display_name", e.displayName());
        d.put("entity_id", "");
        if (e.expiresAt() == null) {
            d.putNull("expire_time");
        } else {
            d.put("expire_time", VaultJson.time(e.expiresAt()));
        }
        d.put("explicit_max_ttl", e.explicitMax().toSeconds());
        d.put("id", ""); // Vault echoes the token here; Aegis never returns a token it did not just create
        d.put("issue_time", VaultJson.time(e.createdAt()));
        ObjectNode meta = d.putObject("meta");
        e.meta().forEach(meta::put);
        d.put("num_uses", e.numUses());
        d.put("orphan", e.parentAccessor() == null);
        d.put("path", e.path());
        ArrayNode p = d.putArray("policies");
        for (String s : e.policies()) {
            p.add(s);
        }
        d.put("renewable", e.renewable());
        d.put("ttl", e.expiresAt() == null ? 0 : Math.max(0, Duration.between(now, e.expiresAt()).toSeconds()));
        d.put("type", "service");
        return d;
    }
}
