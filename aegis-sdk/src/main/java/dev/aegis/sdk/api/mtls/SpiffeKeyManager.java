package dev.aegis.sdk.api.mtls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The JDK key manager SPI over the workload's current {@link X509Svid}, swapped live by {@link #update}: the
 * next handshake presents the new SVID, with no restart and no new {@code SSLContext}.
 *
 * <p>Why each SVID gets its own alias: JSSE asks for the alias, then the chain, then the key, in three calls. A
 * rotation between them must not pair the new chain with the old key, so the alias names one generation and
 * the previous generation stays resolvable until the next swap.
 *
 * <p>Thread-safe; lock-free (one atomic reference to an immutable pair of generations).
 */
public final class SpiffeKeyManager extends X509ExtendedKeyManager {

    private record Generation(String alias, X509Certificate[] chain, PrivateKey key) {
    }

    private record Current(Generation now, Generation previous, long counter) {
    }

    private final AtomicReference<Current> current = new AtomicReference<>();

    /** @param initial the first SVID, or {@code null} until one is obtained (no handshake can present one then) */
    public SpiffeKeyManager(X509Svid initial) {
        if (initial != null) {
            update(initial);
        }
    }

    /** Makes {@code svid} the one presented from the next handshake on. */
    public void update(X509Svid svid) {
        Objects.requireNonNull(svid, "svid");
        X509Certificate[] chain = svid.chain().toArray(new X509Certificate[0]);
        current.updateAndGet(c -> {
            long n = c == null ? 1 : c.counter() + 1;
            Generation g = new Generation("svid-" + n, chain, svid.privateKey());
            return new Current(g, c == null ? null : c.now(), n);
        });
    }

    private Generation find(String alias) {
        Current c = current.get();
        if (c == null || alias == null) {
            return null;
        }
        if (alias.equals(c.now().alias())) {
            return c.now();
        }
        return c.previous() != null && alias.equals(c.previous().alias()) ? c.previous() : null;
    }

    private String alias(String[] keyTypes) {
        Current c = current.get();
        if (c == null) {
            return null;
        }
        String algorithm = c.now().key().getAlgorithm();
        for (String type : keyTypes) {
            if (algorithm.equals(type) || ("EC".equals(algorithm) && type.startsWith("EC"))) {
                return c.now().alias();
            }
        }
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return alias(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return alias(keyTypes);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return alias(new String[] {keyType});
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return alias(new String[] {keyType});
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        String a = alias(new String[] {keyType});
        return a == null ? null : new String[] {a};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return getClientAliases(keyType, issuers);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Generation g = find(alias);
        return g == null ? null : g.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Generation g = find(alias);
        return g == null ? null : g.key();
    }
}
