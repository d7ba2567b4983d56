package dev.aegis.server.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * An {@link X509ExtendedKeyManager} whose certificate and key can be replaced while the server runs: each
 * handshake reads the current delegate, so a renewed certificate (for example a workload SVID) is served from
 * the next handshake on, without restarting the listener or dropping open connections.
 *
 * <p>Thread-safe: the delegate is swapped atomically; handshakes never lock.
 */
public final class SwappableKeyManager extends X509ExtendedKeyManager {
    private final AtomicReference<X509ExtendedKeyManager> delegate;

    public SwappableKeyManager(X509ExtendedKeyManager initial) {
        this.delegate = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
    }

    /** Serves {@code next} from the next handshake on. */
    public void swap(X509ExtendedKeyManager next) {
        delegate.set(Objects.requireNonNull(next, "next"));
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return delegate.get().getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return delegate.get().chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return delegate.get().chooseEngineClientAlias(keyType, issuers, engine);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return delegate.get().getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return delegate.get().chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return delegate.get().chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return delegate.get().getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return delegate.get().getPrivateKey(alias);
    }
}
