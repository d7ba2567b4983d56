package dev.aegis.sdk.api.mtls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK trust manager SPI over a {@link PeerVerifier}: all six {@code check*Trusted} overloads go to one
 * method, and only here is a {@link PeerCheck.Refused} turned into a {@link CertificateException}.
 *
 * <p>SPIFFE authentication replaces host name verification: the peer is identified by the SPIFFE ID in its
 * SVID, never by a DNS name (X509-SVID §5). Because this is an {@link X509ExtendedTrustManager}, the JDK does
 * not add its own host name check (it would for a plain {@code X509TrustManager}).
 *
 * <p>Thread-safe; the verifier's state can be swapped while connections are being made.
 */
public final class SpiffeTrustManager extends X509ExtendedTrustManager {

    private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];
    private final PeerVerifier verifier;
    private final Consumer<PeerCheck> observer;

    /** @param verifier decides on each peer */
    public SpiffeTrustManager(PeerVerifier verifier) {
        this(verifier, check -> { });
    }

    /**
     * @param verifier decides on each peer
     * @param observer sees every decision (metrics, audit); must be quick and must not throw
     */
    public SpiffeTrustManager(PeerVerifier verifier, Consumer<PeerCheck> observer) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /** @return the verifier whose state this trust manager uses */
    public PeerVerifier verifier() {
        return verifier;
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        PeerCheck result = verifier.verify(chain);
        observer.accept(result);
        switch (result) {
            case PeerCheck.Accepted a -> { }
            case PeerCheck.Refused r -> throw new CertificateException("peer refused: " + r.reason() + ": " + r.detail());
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    /** Empty: the CertificateRequest names no CAs, so clients of several trust domains all send their SVID. */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return NO_ISSUERS;
    }
}
