package dev.aegis.sdk.api.guard;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import dev.aegis.sdk.api.mtls.PeerAuthorizer;
import dev.aegis.sdk.api.mtls.PeerVerifier;
import dev.aegis.sdk.api.mtls.RevocationList;
import dev.aegis.sdk.api.mtls.X509SvidRules;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.sdk.api.token.AccessToken;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * {@link ServiceGuard} for plain JDK HTTP code: a {@code com.sun.net.httpserver.Filter} that runs
 * {@link ServiceGuard#check} before the handler and puts the accepted {@link AccessToken} in the exchange
 * attribute {@link #TOKEN_ATTRIBUTE} (read it with {@link #token(HttpExchange)}).
 *
 * <p>With {@link #callers(PeerAuthorizer)} it also requires the TLS client certificate of the connection to be
 * an X509-SVID whose SPIFFE ID the authorizer allows: the trust manager of a workload accepts every peer it
 * talks to (callers <em>and</em> the services it calls), the filter narrows the listener to its callers.
 *
 * <p>With {@link #revocations(PeerVerifier)} it checks the caller against the current revocation list on every
 * request, which closes the gap of a connection that stays open across the revocation of its peer.
 *
 * <p>Denials answer 401 or 403 with the RFC 6750 §3 / RFC 9449 §7.1 {@code WWW-Authenticate} challenge and a
 * JSON body carrying only the error code. Immutable and thread-safe.
 */
public final class GuardFilter extends Filter {
    /** The exchange attribute holding the caller's verified {@link AccessToken}. */
    public static final String TOKEN_ATTRIBUTE = "dev.aegis.sdk.access-token";
    /** The exchange attribute holding the caller's authenticated {@link SpiffeId}, when checked. */
    public static final String PEER_ATTRIBUTE = "dev.aegis.sdk.peer";

    private final ServiceGuard guard;
    private final Set<String> scopes;
    private final Set<String> roles;
    private final String action;
    private final PeerAuthorizer callers;
    private final PeerVerifier trust;

    private GuardFilter(ServiceGuard guard, Set<String> scopes, Set<String> roles, String action, PeerAuthorizer callers,
                        PeerVerifier trust) {
        this.guard = Objects.requireNonNull(guard, "guard");
        this.scopes = Set.copyOf(scopes);
        this.roles = Set.copyOf(roles);
        this.action = Objects.requireNonNull(action, "action");
        this.callers = callers;
        this.trust = trust;
    }

    /**
     * @param guard  the service's guard
     * @param scopes scopes every request's token must carry
     * @param action the audited action, e.g. {@code orders.create}
     */
    public static GuardFilter requiring(ServiceGuard guard, Set<String> scopes, String action) {
        return new GuardFilter(guard, scopes, Set.of(), action, null, null);
    }

    /** @return a copy that also requires these roles */
    public GuardFilter roles(Set<String> required) {
        return new GuardFilter(guard, scopes, required, action, callers, trust);
    }

    /** @return a copy that also requires a client SVID whose SPIFFE ID {@code allowed} allows (deny otherwise) */
    public GuardFilter callers(PeerAuthorizer allowed) {
        return new GuardFilter(guard, scopes, roles, action, Objects.requireNonNull(allowed, "allowed"), trust);
    }

    /**
     * @return a copy that also refuses, on every request, a caller whose SVID (leaf or signer serial) or workload
     *         {@code trust}'s current revocation list names. The handshake checked the peer once; a connection
     *         kept alive (or a session resumed) across a revocation is refused here from the next request on.
     */
    public GuardFilter revocations(PeerVerifier trust) {
        return new GuardFilter(guard, scopes, roles, action, callers, Objects.requireNonNull(trust, "trust"));
    }

    /** @return the verified token the filter put on this exchange */
    public static AccessToken token(HttpExchange exchange) {
        Object token = exchange.getAttribute(TOKEN_ATTRIBUTE);
        if (token instanceof AccessToken t) {
            return t;
        }
        throw new IllegalStateException("no verified token on this exchange: is the GuardFilter installed?");
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        if (callers != null || trust != null) {
            Optional<Peer> peer = peer(exchange);
            if (peer.isEmpty() || callers != null && !callers.allows(peer.get().id())) {
                // A workload that is not a caller of this service (or no SVID at all): no token is even looked at.
                guard.recordDenial(action, path, "caller not allowed: " + peer.map(p -> p.id().toString()).orElse("no SVID"));
                reply(exchange, 403, null, "caller_not_allowed");
                return;
            }
            if (trust != null && peer.get().revokedBy(trust.revocations())) {
                guard.recordDenial(action, path, "caller revoked: " + peer.get().id());
                reply(exchange, 403, null, "caller_revoked");
                return;
            }
            exchange.setAttribute(PEER_ATTRIBUTE, peer.get().id());
        }
        GuardDecision decision = guard.check(exchange.getRequestHeaders().getFirst("Authorization"),
                exchange.getRequestHeaders().getFirst("DPoP"), exchange.getRequestMethod(), requestUri(exchange),
                scopes, roles, action, path);
        switch (decision) {
            case GuardDecision.Allow allow -> {
                exchange.setAttribute(TOKEN_ATTRIBUTE, allow.token());
                chain.doFilter(exchange);
            }
            case GuardDecision.Deny deny -> reply(exchange, deny.status(), deny.wwwAuthenticate(),
                    deny.status() == 403 ? "insufficient_scope" : "invalid_token");
        }
    }

    @Override
    public String description() {
        return "Aegis ServiceGuard (" + action + ")";
    }

    /**
     * The authenticated client SVID of a connection: its SPIFFE ID and the serials of its chain (lower-case hex),
     * parsed once per TLS session and kept in the session.
     */
    record Peer(SpiffeId id, java.util.List<String> serials) {
        Peer {
            serials = java.util.List.copyOf(serials);
        }

        boolean revokedBy(RevocationList list) {
            if (list.workloadRevoked(id)) {
                return true;
            }
            for (int i = 0; i < serials.size(); i++) {
                if (list.serialRevoked(serials.get(i))) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The connection's client SVID; empty without TLS, without a certificate or without a SPIFFE ID. */
    static Optional<Peer> peer(HttpExchange exchange) {
        if (!(exchange instanceof HttpsExchange https) || https.getSSLSession() == null) {
            return Optional.empty();
        }
        SSLSession session = https.getSSLSession();
        if (session.getValue(PEER_ATTRIBUTE) instanceof Peer known) {
            return Optional.of(known);
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                return Optional.empty();
            }
            String[] serials = new String[chain.length];
            for (int i = 0; i < chain.length; i++) {
                serials[i] = ((X509Certificate) chain[i]).getSerialNumber().toString(16);
            }
            Peer peer = new Peer(X509SvidRules.spiffeIdOf(leaf), java.util.Arrays.asList(serials));
            session.putValue(PEER_ATTRIBUTE, peer);
            return Optional.of(peer);
        } catch (SSLPeerUnverifiedException | IllegalArgumentException | ClassCastException e) {
            return Optional.empty();
        }
    }

    /** The URI as the client addressed it (DPoP {@code htu}, RFC 9449 §4.3): scheme, Host header, path. */
    private static URI requestUri(HttpExchange exchange) {
        String host = exchange.getRequestHeaders().getFirst("Host");
        String scheme = exchange instanceof HttpsExchange ? "https://" : "http://";
        try {
            return URI.create(scheme + (host == null ? "localhost" : host) + exchange.getRequestURI().getRawPath());
        } catch (IllegalArgumentException e) {
            return URI.create(exchange.getRequestURI().getRawPath());
        }
    }

    private static void reply(HttpExchange exchange, int status, String challenge, String error) throws IOException {
        byte[] body = ("{\"error\":\"" + error + "\"}").getBytes(StandardCharsets.US_ASCII);
        if (challenge != null) {
            exchange.getResponseHeaders().set("WWW-Authenticate", challenge);
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
