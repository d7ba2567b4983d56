package dev.aegis.secrets.api;

import dev.aegis.audit.api.AuditLog;
import dev.aegis.secrets.api.spi.AccessTokens;
import dev.aegis.secrets.internal.SecretsRuntime;
import dev.aegis.store.api.Store;
import dev.aegis.store.api.spi.RootKeyProvider;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * The secrets manager behind Vault's HTTP API: give it each {@code /v1/...} request as a {@link VaultRequest}
 * and send back the {@link VaultResponse}. It starts sealed unless the seal type is {@link SealType#FILE}, in
 * which case it initialises itself on first start (printing nothing: the caller shows
 * {@link #initialRootToken()} once) and unseals from the root key file.
 *
 * <p>Thread-safe. {@link #close()} stops the lease reaper and seals the barrier (drops keys from memory).
 */
public final class SecretsEngine implements AutoCloseable {
    private final SecretsRuntime runtime;

    private SecretsEngine(SecretsRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * @param settings    seal type, TTLs, reaper interval
     * @param store       the open store (migrations V40+ created the {@code secrets_*} tables)
     * @param audit       the platform audit log (every request is recorded; fail-closed)
     * @param rootKeyFile the root key for {@link SealType#FILE}; ignored for {@link SealType#SHAMIR}
     * @param changes     told about KV version changes (for the platform event stream)
     * @param clock       time source for TTLs
     * @return the running engine, whose {@code aegis} auth method accepts no login
     */
    public static SecretsEngine start(SecretsSettings settings, Store store, AuditLog audit, RootKeyProvider rootKeyFile,
                                      SecretChangeListener changes, Clock clock) {
        return start(settings, store, audit, rootKeyFile, changes, AccessTokens.NONE, clock);
    }

    /**
     * @param settings     seal type, TTLs, reaper interval
     * @param store        the open store (migrations V40+ created the {@code secrets_*} tables)
     * @param audit        the platform audit log (every request is recorded; fail-closed)
     * @param rootKeyFile  the root key for {@link SealType#FILE}; ignored for {@link SealType#SHAMIR}
     * @param changes      told about KV version changes (for the platform event stream)
     * @param accessTokens the platform's access tokens, for logins through the {@code aegis} auth method
     * @param clock        time source for TTLs
     * @return the running engine
     */
    public static SecretsEngine start(SecretsSettings settings, Store store, AuditLog audit, RootKeyProvider rootKeyFile,
                                      SecretChangeListener changes, AccessTokens accessTokens, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(changes, "changes");
        Objects.requireNonNull(accessTokens, "accessTokens");
        Objects.requireNonNull(clock, "clock");
        if (settings.sealType() == SealType.FILE) {
            Objects.requireNonNull(rootKeyFile, "rootKeyFile");
        }
        return new SecretsEngine(SecretsRuntime.start(settings, store, audit, rootKeyFile, changes, accessTokens, clock));
    }

    /**
     * @param request a request to {@code /v1/...}
     * @return the response; never throws for bad input (errors are {@code {"errors":[...]}})
     */
    public VaultResponse handle(VaultRequest request) {
        return runtime.handle(Objects.requireNonNull(request, "request"));
    }

    /** @return the initial root token, present only on the very first start with the file seal (show it once) */
    public Optional<String> initialRootToken() {
        return runtime.initialRootToken();
    }

    /**
     * Drops this node's cached copy of a KV key that another cluster node changed; wire it to the platform
     * event stream's {@code secret.changed} events (their subject is the mount path). Without it a node may
     * serve a replaced version for up to {@link SecretsSettings#tokenCacheTtl()}.
     *
     * @param mountPath mount and key, e.g. {@code secret/app/db}
     */
    public void invalidate(String mountPath) {
        runtime.invalidate(Objects.requireNonNull(mountPath, "mountPath"));
    }

    /** @return whether the barrier is sealed */
    public boolean sealed() {
        return runtime.sealed();
    }

    @Override
    public void close() {
        runtime.close();
    }
}
