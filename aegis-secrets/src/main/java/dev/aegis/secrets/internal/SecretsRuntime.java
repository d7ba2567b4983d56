package dev.aegis.secrets.internal;

import dev.aegis.audit.api.AuditLog;
import dev.aegis.core.api.crypto.SecretBytes;
import dev.aegis.secrets.api.SealType;
import dev.aegis.secrets.api.SecretChangeListener;
import dev.aegis.secrets.api.SecretsSettings;
import dev.aegis.secrets.api.VaultRequest;
import dev.aegis.secrets.api.VaultResponse;
import dev.aegis.secrets.api.spi.AccessTokens;
import dev.aegis.store.api.Store;
import dev.aegis.store.api.spi.RootKeyProvider;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the barrier, stores, engines and router together and runs the expiry reaper. */
public final class SecretsRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SecretsRuntime.class);
    /** Connections are checked for a due root rotation every tenth reaper pass (a check decrypts each one). */
    private static final int ROTATION_CHECK_EVERY = 10;

    private final Barrier barrier;
    private final VaultRouter router;
    private final TokenStore tokens;
    private final LeaseStore leases;
    private final SecretsSettings settings;
    private final Thread reaper;
    private final Optional<String> initialRootToken;
    private final KvReadCache kvCache;
    private final DatabaseEngine database;
    private volatile boolean closed;

    private SecretsRuntime(Barrier barrier, VaultRouter router, TokenStore tokens, LeaseStore leases,
                           SecretsSettings settings, Optional<String> initialRootToken, KvReadCache kvCache,
                           DatabaseEngine database) {
        this.kvCache = kvCache;
        this.database = database;
        this.barrier = barrier;
        this.router = router;
        this.tokens = tokens;
        this.leases = leases;
        this.settings = settings;
        this.initialRootToken = initialRootToken;
        this.reaper = Thread.ofVirtual().name("aegis-secrets-reaper").unstarted(this::reap);
    }

    public static SecretsRuntime start(SecretsSettings settings, Store store, AuditLog audit, RootKeyProvider rootKeyFile,
                                       SecretChangeListener listener, AccessTokens accessTokens, Clock clock) {
        SecretChangeListener changes = (path, version, change) -> {
            try {
                listener.secretChanged(path, version, change);
            } catch (RuntimeException e) {
                // The change is committed; a lost notification only delays SDK refreshes until their TTL.
                LOG.atWarn().addKeyValue("path", path).addKeyValue("version", version)
                        .addKeyValue("error", e.getClass().getSimpleName()).log("secret change event not published");
            }
        };
        Barrier barrier = new Barrier(store, clock);
        ShamirUnseal shamir = new ShamirUnseal();
        Mounts mounts = new Mounts(store, clock);
        PolicyStore policies = new PolicyStore(store, clock);
        TokenStore tokens = new TokenStore(store, barrier, clock, settings.tokenCacheTtl());
        LeaseStore leases = new LeaseStore(store, barrier, clock);
        tokens.onRevoke(leases::revokeByToken);
        RequestAudit requestAudit = new RequestAudit(audit);
        Map<String, MountedEngine> engines = new HashMap<>();
        KvReadCache kvCache = new KvReadCache(settings.tokenCacheTtl());
        engines.put("kv", new KvEngine(store, barrier, mounts, clock, changes, kvCache));
        engines.put("transit", new TransitEngine(store, barrier, clock));
        TokenApi tokenApi = new TokenApi(tokens, clock, settings.defaultTokenTtl(), settings.maxTokenTtl());
        engines.put("approle", new AppRoleEngine(store, barrier, tokens, tokenApi, clock));
        engines.put("aegis", new AegisLoginEngine(store, tokens, tokenApi, accessTokens, clock,
                settings.defaultTokenTtl(), settings.maxTokenTtl()));
        DatabaseEngine database = new DatabaseEngine(store, barrier, leases, clock, settings.maxTokenTtl());
        engines.put("database", database);
        leases.register("database", database::revoke);
        leases.registerRenewer("database", database::renew);
        SysApi sys = new SysApi(barrier, shamir, mounts, policies, tokens,
                new SysLeaseApi(leases, requestAudit, clock), settings.sealType(), engines);
        VaultRouter router = new VaultRouter(barrier, tokens, policies, mounts, requestAudit, sys, tokenApi, engines);
        Optional<String> rootToken = Optional.empty();
        if (settings.sealType() == SealType.FILE) {
            SecretBytes key = rootKeyFile.rootKey();
            if (barrier.initialize("file", 1, 1, key)) {
                rootToken = Optional.of(sys.issueRootToken(key));
            } else {
                barrier.unseal(key);
            }
        }
        SecretsRuntime runtime = new SecretsRuntime(barrier, router, tokens, leases, settings, rootToken, kvCache,
                database);
        runtime.reaper.start();
        LOG.atInfo().addKeyValue("seal", settings.sealType()).addKeyValue("initialized", barrier.initialized())
                .addKeyValue("sealed", barrier.sealed()).log("secrets manager started");
        return runtime;
    }

    public VaultResponse handle(VaultRequest request) {
        return router.handle(request);
    }

    public Optional<String> initialRootToken() {
        return initialRootToken;
    }

    /** Another node changed {@code mountPath} (a {@code secret.changed} event): drop this node's cached copy. */
    public void invalidate(String mountPath) {
        kvCache.invalidate(mountPath);
    }

    public boolean sealed() {
        return barrier.sealed();
    }

    private void reap() {
        long sleep = settings.leaseReapInterval().toMillis();
        int passes = 0;
        while (!closed) {
            try {
                Thread.sleep(sleep);
                if (!barrier.sealed()) {
                    leases.reapExpired(500);
                    tokens.reapExpired(500);
                    if (++passes % ROTATION_CHECK_EVERY == 0) {
                        database.rotateDue();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.atWarn().addKeyValue("error", e.getClass().getSimpleName()).log("lease reaper pass failed");
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        reaper.interrupt();
        try {
            reaper.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        barrier.seal();
    }
}
