package dev.aegis.secrets.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.audit.api.AuditUnavailableException;
import dev.aegis.ratelimit.api.Limiter;
import dev.aegis.secrets.api.VaultRequest;
import dev.aegis.secrets.api.VaultResponse;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes a request of Vault's API: unauthenticated seal endpoints, the sealed check (503 for everything else),
 * login endpoints, token authentication ({@code X-Vault-Token}), the ACL check (deny by default), then the
 * {@code sys/} and {@code auth/token/} groups or the mounted engine with the longest matching path. Every request
 * is audited (see {@link RequestAudit}). Errors become {@code {"errors":[...]}}; unexpected failures are logged
 * with the path only and answered 500 without detail.
 *
 * <p>Thread-safe.
 */
final class VaultRouter {
    private static final Logger LOG = LoggerFactory.getLogger(VaultRouter.class);

    private final Barrier barrier;
    private final TokenStore tokens;
    private final PolicyStore policies;
    private final Mounts mounts;
    private final RequestAudit audit;
    private final SysApi sys;
    private final TokenApi tokenApi;
    private final Map<String, MountedEngine> engines;
    /** Guessing secret IDs or unseal shares: per client address, well above what a real client needs. */
    private final Limiter guesses = new Limiter(60, java.time.Duration.ofMinutes(1));

    VaultRouter(Barrier barrier, TokenStore tokens, PolicyStore policies, Mounts mounts, RequestAudit audit,
                SysApi sys, TokenApi tokenApi, Map<String, MountedEngine> engines) {
        this.barrier = barrier;
        this.tokens = tokens;
        this.policies = policies;
        this.mounts = mounts;
        this.audit = audit;
        this.sys = sys;
        this.tokenApi = tokenApi;
        this.engines = Map.copyOf(engines);
    }

    VaultResponse handle(VaultRequest request) {
        String method = request.method();
        String path = null;
        TokenEntry token = null;
        ObjectNode body = null;
        Reply reply;
        boolean audited = false;
        try {
            path = cleanPath(request.path());
            Operation op = Operation.of(method, request.query().get("list"));
            body = op == Operation.READ || op == Operation.LIST ? VaultJson.object() : VaultJson.parseBody(request.body());
            Call call = new Call(op, path, path, body, request.query(), null, request.remoteAddress());
            if ((isLogin(path) || "sys/unseal".equals(path)) && op == Operation.WRITE
                    && !guesses.allow(request.remoteAddress() == null ? "?" : request.remoteAddress())) {
                throw new VaultError(429, "rate limit quota exceeded");
            }
            if (SysApi.isUnauthenticated(path)) {
                audited = op == Operation.WRITE; // init and unseal: audited (their keys only as HMACs)
                reply = sys.unauthenticated(call);
            } else {
                if (barrier.sealed()) {
                    throw VaultError.sealed();
                }
                audited = true;
                if (isLogin(path)) {
                    auditRequest(method, path, null, request.remoteAddress(), body);
                    reply = dispatch(call);
                } else {
                    token = tokens.lookup(request.token());
                    if (token == null || !Cidr.anyContains(Cidr.parseAll(token.boundCidrs()), request.remoteAddress())) {
                        token = null;
                        throw VaultError.permissionDenied();
                    }
                    call = new Call(op, path, path, body, request.query(), token, request.remoteAddress());
                    authorize(call);
                    if (op != Operation.READ && op != Operation.LIST) {
                        auditRequest(method, path, token, request.remoteAddress(), body);
                    }
                    tokens.use(token);
                    reply = dispatch(call);
                }
            }
        } catch (VaultError e) {
            reply = Reply.error(e);
        } catch (AuditRefused e) {
            return VaultJson.errorResponse(503, "the audit trail is unavailable; the request was not processed");
        } catch (RuntimeException e) {
            LOG.atError().addKeyValue("method", method).addKeyValue("path", path == null ? "?" : path)
                    .addKeyValue("error", e.getClass().getSimpleName()).setCause(sanitised(e)).log("secrets request failed");
            reply = Reply.error(new VaultError(500, "internal error"));
        }
        if (audited) {
            try {
                audit.response(method, path, token, request.remoteAddress(), body, reply);
            } catch (AuditUnavailableException e) {
                return VaultJson.errorResponse(500, "the audit trail is unavailable; the response was withheld");
            }
        }
        return new VaultResponse(reply.status(), reply.body() == null ? "" : VaultJson.write(reply.body()));
    }

    private void auditRequest(String method, String path, TokenEntry token, String remote, ObjectNode body) {
        try {
            audit.request(method, path, token, remote, body);
        } catch (AuditUnavailableException e) {
            throw new AuditRefused();
        }
    }

    /** The audit trail refused a request record: nothing may run. */
    private static final class AuditRefused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AuditRefused() {
            super(null, null, false, false);
        }
    }

    /** Exceptions from JDBC may quote SQL parameters: log the type chain only. */
    private static Throwable sanitised(RuntimeException e) {
        return e instanceof IllegalStateException || e instanceof IllegalArgumentException ? e : null;
    }

    private static boolean isLogin(String path) {
        return path.startsWith("auth/") && path.endsWith("/login") && !path.startsWith("auth/token/");
    }

    private void authorize(Call call) {
        if (call.path().startsWith("sys/internal/ui/mounts")) {
            return; // any valid token may ask how a path is mounted (clients detect KV v2 this way)
        }
        Acl acl = policies.acl(call.token().policies());
        if (acl.isRoot()) {
            return;
        }
        int caps = acl.capabilities(call.path());
        int need = Capability.bit(call.op().capability());
        if ((caps & need) != 0) {
            return;
        }
        if (call.op() == Operation.WRITE && (caps & Capability.bit(Capability.CREATE)) != 0 && creates(call)) {
            return;
        }
        throw VaultError.permissionDenied();
    }

    private boolean creates(Call call) {
        Mount m = mounts.find(call.path(), "secret");
        if (m == null) {
            return false;
        }
        MountedEngine engine = engines.get(m.engine());
        return engine != null && engine.creates(m, call.path().substring(Math.min(m.path().length(), call.path().length())));
    }

    private Reply dispatch(Call call) {
        String path = call.path();
        if (path.startsWith("sys/")) {
            return sys.handle(call.withRest(path.substring(4)));
        }
        if (path.startsWith("auth/token/")) {
            return tokenApi.handle(call.withRest(path.substring("auth/token/".length())));
        }
        String kind = path.startsWith("auth/") ? "auth" : "secret";
        Mount m = mounts.find(path, kind);
        if (m == null) {
            throw new VaultError(404, "no handler for route \"" + path + "\". route entry not found.");
        }
        MountedEngine engine = engines.get(m.engine());
        if (engine == null) {
            throw VaultError.notFound();
        }
        String rest = path.length() >= m.path().length() ? path.substring(m.path().length()) : "";
        return engine.handle(m, call.withRest(rest));
    }

    static String cleanPath(String raw) {
        if (raw.length() > dev.aegis.secrets.api.VaultRequest.MAX_PATH) {
            throw VaultError.badRequest("path is too long");
        }
        int start = 0;
        int end = raw.length();
        while (start < end && raw.charAt(start) == '/') {
            start++;
        }
        while (end > start && raw.charAt(end - 1) == '/') {
            end--;
        }
        String p = raw.substring(start, end);
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\') {
                throw VaultError.badRequest("invalid character in path");
            }
        }
        if (p.contains("//") || p.equals("..") || p.startsWith("../") || p.contains("/../") || p.endsWith("/..")) {
            throw VaultError.badRequest("invalid path");
        }
        return p;
    }
}
