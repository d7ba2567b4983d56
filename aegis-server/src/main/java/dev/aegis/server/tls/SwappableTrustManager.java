package dev.aegis.server.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * An {@link X509ExtendedTrustManager} whose trust anchors can be replaced while the server runs (a rotated
 * CA bundle applies from the next handshake). All six checks go to the current delegate; nothing is trusted
 * by default — the initial delegate is required.
 *
 * <p>Thread-safe: the delegate is swapped atomically.
 */
public final class SwappableTrustManager extends X509ExtendedTrustManager {
    private final AtomicReference<X509ExtendedTrustManager> delegate;

    public SwappableTrustManager(X509ExtendedTrustManager initial) {
        this.delegate = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
    }

    /** Trusts what {@code next} trusts from the next handshake on. */
    public void swap(X509ExtendedTrustManager next) {
        delegate.set(Objects.requireNonNull(next, "next"));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate.get().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        delegate.get().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.get().checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate.get().checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        delegate.get().checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.get().checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.get().getAcceptedIssuers();
    }
}
