package dev.aegis.server.config;

import dev.aegis.core.api.crypto.SecretBytes;
import dev.aegis.core.api.keys.RotationPolicy;
import dev.aegis.identity.api.IdentitySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The validated configuration of one Aegis process. Built only by {@link ConfigLoader}, so every instance has
 * passed validation. Immutable; nothing here is null.
 *
 * @param dataDir        where the embedded database, root key file and audit files live
 * @param server         the HTTP listener
 * @param storage        embedded file database or PostgreSQL
 * @param rootKeyFile    the root key file (default {@code <dataDir>/root.key})
 * @param rotationPolicy the signing key schedule of the token and audit key rings
 * @param audit          audit failure mode and sinks
 * @param logging        log format and level
 * @param identity       the identity provider ({@code identity.*})
 * @param policy         the authorization engine ({@code policy.*})
 * @param secrets        the secrets manager ({@code secrets.*})
 * @param gateway        the API gateway's listener, when {@code gateway.routes-file} is set
 * @param pki            the workload CA ({@code pki.*})
 */
public record AegisConfig(Path dataDir, Server server, Storage storage, Path rootKeyFile,
                          RotationPolicy rotationPolicy, Audit audit, Logging logging, IdentitySettings identity,
                          Policy policy, Secrets secrets, Optional<Gateway> gateway, Pki pki) {

    /**
     * The secrets manager.
     *
     * @param shamirSeal true: the barrier starts sealed and is unsealed with Shamir shares ({@code aegis operator
     *                   init/unseal}); false: it unseals itself from the root key file (the embedded default)
     */
    public record Secrets(boolean shamirSeal) {
    }

    /**
     * The API gateway's listener (issue 5); present when {@code gateway.routes-file} is set.
     *
     * @param routesFile    the YAML routes file (hot-reloaded)
     * @param host          listen address
     * @param port          listen port (separate from the control plane)
     * @param clientTimeout idle/slow clients are disconnected after this long
     * @param requestDeadline a request's header section, and then its body, must each arrive within this long
     * @param workload      an edge gateway's join to the workload CA (its own SVID for upstream mTLS); empty under
     *                      {@code aegis up}, where the in-process CA issues it
     * @param tls           TLS of the gateway listener (client certificates for mTLS routes and certificate-bound
     *                      tokens need {@code client-auth: optional} or {@code required}); empty = plain HTTP
     */
    public record Gateway(Path routesFile, String host, int port, Duration clientTimeout, Duration requestDeadline,
                          Optional<Tls> tls, Optional<GatewayWorkload> workload) {
    }

    /**
     * How an edge gateway joins the workload CA (SDK {@code WorkloadIdentity}).
     *
     * @param controlPlane the control plane's main listener
     * @param mtlsEndpoint its workload mTLS listener
     * @param joinToken    the one-time join token minted for the gateway's registered workload (secret)
     */
    public record GatewayWorkload(java.net.URI controlPlane, java.net.URI mtlsEndpoint, String joinToken) {
        @Override
        public String toString() {
            return "GatewayWorkload[" + controlPlane + ", " + mtlsEndpoint + ", joinToken=<redacted>]";
        }
    }

    /**
     * The workload CA: its trust domain, the port of its mTLS listener (on {@code server.host}; 0 picks one),
     * SVID lifetimes and the CA rotation schedule.
     */
    public record Pki(String trustDomain, int mtlsPort, Duration svidTtl, Duration jwtSvidTtl, Duration caRotationPeriod,
                      Duration caPublishAhead) {
    }

    /** The HTTP listener; {@code tls} is empty when TLS is off. */
    public record Server(String host, int port, Duration shutdownGrace, long maxBodyBytes, Optional<Tls> tls) {
    }

    /**
     * TLS for the listener, from PEM files.
     *
     * @param clientAuth {@code none}, {@code optional} or {@code required} (mTLS)
     */
    public record Tls(Path certificate, Path privateKey, Optional<Path> clientCa, ClientAuth clientAuth) {
    }

    /** Whether the listener asks for client certificates. */
    public enum ClientAuth { NONE, OPTIONAL, REQUIRED }

    /**
     * Storage: the embedded file database under the data dir, or PostgreSQL. Holds a password, so it is a
     * class with a redacted {@code toString}, not a record.
     */
    public static final class Storage {
        private final boolean embedded;
        private final String postgresUrl;
        private final String postgresUser;
        private final SecretBytes postgresPassword;
        private final int poolSize;

        Storage(boolean embedded, String postgresUrl, String postgresUser, SecretBytes postgresPassword, int poolSize) {
            this.embedded = embedded;
            this.postgresUrl = postgresUrl;
            this.postgresUser = postgresUser;
            this.postgresPassword = postgresPassword;
            this.poolSize = poolSize;
        }

        public boolean embedded() {
            return embedded;
        }

        public String postgresUrl() {
            return postgresUrl;
        }

        public String postgresUser() {
            return postgresUser;
        }

        /** The PostgreSQL password; the only accessor of it. */
        public SecretBytes postgresPassword() {
            return postgresPassword;
        }

        public int poolSize() {
            return poolSize;
        }

        @Override
        public String toString() {
            return embedded ? "Storage[embedded]" : "Storage[postgres " + postgresUrl + " as " + postgresUser + "]";
        }
    }

    /** @param jsonLines where JSON-lines audit records go: a file, {@code stdout}, or nowhere when empty. */
    public record Audit(boolean failClosed, Optional<String> jsonLines, Duration recordTimeout) {
    }

    /**
     * The authorization engine ({@code policy.*}).
     *
     * @param auditAllowSampleRate share of allowed checks that are audited (denials always are), 0..1
     */
    public record Policy(int maxDepth, int maxListResults, int decisionCacheSize, double auditAllowSampleRate,
                         boolean parallelUnions) {
    }

    /** @param json true for JSON lines (the default), false for human-readable text. */
    public record Logging(boolean json, String level) {
    }
}
