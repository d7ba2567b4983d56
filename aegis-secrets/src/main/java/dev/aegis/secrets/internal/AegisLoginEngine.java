package dev.aegis.secrets.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.api.jwt.JwtClaims;
import dev.aegis.secrets.api.spi.AccessTokens;
import dev.aegis.store.api.Store;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code aegis} auth method: log in with an access token of this platform's identity provider (RFC 9068), the
 * way Vault's JWT auth method takes a JWT. {@code role/<name>} says which tokens a role accepts and what they get:
 * {@code bound_audiences} (required; the token's {@code aud} must name one of them), optional
 * {@code bound_subjects} (its {@code sub}, else {@code client_id}, must be one of them) and {@code bound_scopes}
 * (its {@code scope} must contain every one), {@code token_policies}, {@code token_ttl}, {@code token_max_ttl};
 * LIST {@code role}; {@code login} with {@code role} and {@code jwt}. Signature, type, lifetime, issuer and
 * revocation are the platform's checks ({@link AccessTokens}). A refused login says only "invalid role or token".
 */
final class AegisLoginEngine implements MountedEngine {
    private static final String INVALID = "invalid role or token";
    private static final int MAX_TOKEN_CHARS = 8192;

    private final Store store;
    private final TokenStore tokens;
    private final TokenApi tokenApi;
    private final AccessTokens accessTokens;
    private final Clock clock;
    private final Duration defaultTtl;
    private final Duration maxTtl;

    AegisLoginEngine(Store store, TokenStore tokens, TokenApi tokenApi, AccessTokens accessTokens, Clock clock,
                     Duration defaultTtl, Duration maxTtl) {
        this.store = store;
        this.tokens = tokens;
        this.tokenApi = tokenApi;
        this.accessTokens = accessTokens;
        this.clock = clock;
        this.defaultTtl = defaultTtl;
        this.maxTtl = maxTtl;
    }

    @Override
    public Reply handle(Mount mount, Call call) {
        String rest = call.rest();
        if (rest.equals("login") && call.op() == Operation.WRITE) {
            return login(mount, call.body(), call.path());
        }
        if (rest.equals("role") && call.op() == Operation.LIST) {
            return Reply.keys(roleNames(mount));
        }
        if (!rest.startsWith("role/") || rest.indexOf('/', 5) >= 0) {
            throw VaultError.notFound();
        }
        String name = PolicyStore.checkName(rest.substring(5));
        return switch (call.op()) {
            case WRITE -> writeRole(mount, name, call.body());
            case READ -> Reply.data(loadRole(mount, name).orElseThrow(VaultError::notFound));
            case DELETE -> deleteRole(mount, name);
            default -> throw VaultError.unsupported(call.op().name(), call.path());
        };
    }

    @Override
    public void unmounted(Mount mount) {
        store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM secrets_aegis_roles WHERE mount_uuid = ?")) {
                ps.setString(1, mount.uuid());
                return ps.executeUpdate();
            }
        });
    }

    /** Replaces the role (every field is given anew, as with Vault's JWT roles). */
    private Reply writeRole(Mount mount, String name, ObjectNode body) {
        List<String> audiences = VaultJson.strings(body, "bound_audiences");
        if (audiences.isEmpty()) {
            throw VaultError.badRequest("bound_audiences is required: the audiences whose tokens this role accepts");
        }
        ObjectNode s = VaultJson.object();
        list(s, "bound_audiences", audiences);
        list(s, "bound_subjects", VaultJson.strings(body, "bound_subjects"));
        list(s, "bound_scopes", VaultJson.strings(body, "bound_scopes"));
        List<String> policies = VaultJson.strings(body, "token_policies");
        for (String p : policies) {
            PolicyStore.checkName(p);
        }
        list(s, "token_policies", policies);
        for (String ttl : new String[] {"token_ttl", "token_max_ttl"}) {
            s.put(ttl, Ttl.field(body, ttl, Duration.ZERO).toSeconds());
        }
        String settings = VaultJson.write(s);
        if (settings.length() > 8192) {
            throw VaultError.badRequest("the role is too large");
        }
        store.inTransaction(c -> {
            try (PreparedStatement del = c.prepareStatement(
                    "DELETE FROM secrets_aegis_roles WHERE mount_uuid = ? AND name = ?")) {
                del.setString(1, mount.uuid());
                del.setString(2, name);
                del.executeUpdate();
            }
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO secrets_aegis_roles (mount_uuid, name, settings, created_at) VALUES (?, ?, ?, ?)")) {
                ins.setString(1, mount.uuid());
                ins.setString(2, name);
                ins.setString(3, settings);
                SqlValues.bind(ins, 4, clock.instant());
                return ins.executeUpdate();
            }
        });
        return Reply.noContent();
    }

    private Reply deleteRole(Mount mount, String name) {
        store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM secrets_aegis_roles WHERE mount_uuid = ? AND name = ?")) {
                ps.setString(1, mount.uuid());
                ps.setString(2, name);
                return ps.executeUpdate();
            }
        });
        return Reply.noContent();
    }

    private Reply login(Mount mount, ObjectNode body, String path) {
        String roleName = VaultJson.text(body, "role", "");
        String jwt = VaultJson.text(body, "jwt", "");
        if (roleName.isEmpty() || roleName.length() > 128 || jwt.isEmpty() || jwt.length() > MAX_TOKEN_CHARS) {
            throw VaultError.badRequest(INVALID);
        }
        // The token is verified whether or not the role exists, so the answer's timing does not tell roles apart.
        Optional<JwtClaims> claims = accessTokens.verify(jwt);
        Optional<ObjectNode> role = loadRole(mount, roleName);
        if (claims.isEmpty() || role.isEmpty() || !accepts(role.get(), claims.get())) {
            throw VaultError.badRequest(INVALID);
        }
        ObjectNode s = role.get();
        String subject = subject(claims.get());
        List<String> policies = new ArrayList<>(strings(s, "token_policies"));
        if (!policies.contains("default")) {
            policies.add("default");
        }
        Duration max = Duration.ofSeconds(s.path("token_max_ttl").asLong(0));
        if (max.isZero() || max.compareTo(maxTtl) > 0) {
            max = maxTtl;
        }
        Duration ttl = Duration.ofSeconds(s.path("token_ttl").asLong(0));
        if (ttl.isZero()) {
            ttl = defaultTtl;
        }
        TokenStore.Issued issued = tokens.create(null, policies, Map.of("role", roleName, "subject", subject),
                "aegis-" + subject, path, ttl.compareTo(max) > 0 ? max : ttl, max, true, 0, List.of());
        return tokenApi.auth(issued.entry(), issued.token());
    }

    /** Whether the role binds this token: one bound audience, the subject if bound, every bound scope. */
    private static boolean accepts(ObjectNode role, JwtClaims claims) {
        boolean audience = false;
        for (String a : strings(role, "bound_audiences")) {
            audience |= claims.audience().contains(a);
        }
        List<String> subjects = strings(role, "bound_subjects");
        if (!audience || !subjects.isEmpty() && !subjects.contains(subject(claims))) {
            return false;
        }
        List<String> granted = List.of(claims.stringClaim("scope").orElse("").split(" "));
        return granted.containsAll(strings(role, "bound_scopes"));
    }

    private static String subject(JwtClaims claims) {
        return claims.subject().or(() -> claims.stringClaim("client_id")).orElse("");
    }

    private Optional<ObjectNode> loadRole(Mount mount, String name) {
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT settings FROM secrets_aegis_roles WHERE mount_uuid = ? AND name = ?")) {
                ps.setString(1, mount.uuid());
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(parse(rs.getString(1))) : Optional.<ObjectNode>empty();
                }
            }
        });
    }

    private List<String> roleNames(Mount mount) {
        return SqlValues.namesOf(store, "secrets_aegis_roles", mount);
    }

    private static void list(ObjectNode settings, String field, List<String> values) {
        ArrayNode a = settings.putArray(field);
        values.forEach(a::add);
    }

    private static List<String> strings(ObjectNode settings, String field) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : settings.path(field)) {
            out.add(n.asText());
        }
        return out;
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) VaultJson.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("stored aegis login role is malformed", e);
        }
    }
}
