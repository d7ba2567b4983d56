package dev.aegis.sdk.api.mtls;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * Builds the {@link SSLContext} for SPIFFE mTLS from a {@link SpiffeKeyManager} and a {@link SpiffeTrustManager}.
 * The same context serves the JDK {@code HttpClient} ({@code HttpClient.newBuilder().sslContext(ctx)
 * .sslParameters(MtlsContext.parameters())}) and a Helidon listener ({@code Tls.builder().sslContext(ctx)
 * .clientAuth(TlsClientAuth.REQUIRED)}).
 *
 * <p>A resumed handshake skips the trust manager. So whenever the verifier's state changes (a revocation, a pin
 * policy, a bundle), every cached session whose peer the new state refuses is invalidated at once, and
 * sessions live at most {@link #SESSION_TIMEOUT_SECONDS} in any case.
 */
public final class MtlsContext {

    /** Session cache lifetime for resumption. */
    public static final int SESSION_TIMEOUT_SECONDS = 300;

    private MtlsContext() {
    }

    /**
     * @return a TLS context presenting the key manager's SVID and checking peers with the trust manager
     * @throws IllegalStateException if the JDK has no TLS (never on a standard JDK)
     */
    public static SSLContext create(SpiffeKeyManager keys, SpiffeTrustManager trust) {
        try {
            SSLContext ctx = statefulServerSessions();
            ctx.init(new KeyManager[] {keys}, new TrustManager[] {trust}, new SecureRandom());
            ctx.getClientSessionContext().setSessionTimeout(SESSION_TIMEOUT_SECONDS);
            ctx.getServerSessionContext().setSessionTimeout(SESSION_TIMEOUT_SECONDS);
            trust.verifier().onChange(() -> dropRefusedSessions(ctx, trust.verifier()));
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available", e);
        }
    }

    private static final java.util.concurrent.locks.ReentrantLock PROPERTY_LOCK = new java.util.concurrent.locks.ReentrantLock();
    private static final String STATELESS_TICKETS = "jdk.tls.server.enableSessionTicketExtension";

    /**
     * A TLS context whose server side keeps sessions in its cache instead of handing out stateless tickets.
     *
     * <p>Why: a stateless TLS 1.3 ticket (RFC 8446 §4.6.1) is decrypted and resumed by the JDK without consulting
     * the session cache, so invalidating the session of a peer revoked after its first handshake would not stop
     * it from resuming. The JDK reads {@value #STATELESS_TICKETS} when a context's session caches are created,
     * so it is set to {@code false} for exactly that moment (restored afterwards; serialised by a lock).
     * Resumption keeps working, from the server's cache.
     */
    private static SSLContext statefulServerSessions() throws GeneralSecurityException {
        PROPERTY_LOCK.lock();
        String before = System.getProperty(STATELESS_TICKETS);
        try {
            System.setProperty(STATELESS_TICKETS, "false");
            return SSLContext.getInstance("TLS");
        } finally {
            if (before == null) {
                System.clearProperty(STATELESS_TICKETS);
            } else {
                System.setProperty(STATELESS_TICKETS, before);
            }
            PROPERTY_LOCK.unlock();
        }
    }

    /**
     * Invalidates every cached client and server session of {@code ctx} whose peer {@code verifier} now refuses.
     *
     * @return how many were invalidated
     */
    public static int dropRefusedSessions(SSLContext ctx, PeerVerifier verifier) {
        return drop(ctx.getClientSessionContext(), verifier) + drop(ctx.getServerSessionContext(), verifier);
    }

    private static int drop(javax.net.ssl.SSLSessionContext sessions, PeerVerifier verifier) {
        int dropped = 0;
        java.util.Enumeration<byte[]> ids = sessions.getIds();
        while (ids.hasMoreElements()) {
            javax.net.ssl.SSLSession s = sessions.getSession(ids.nextElement());
            if (s == null) {
                continue;
            }
            java.security.cert.X509Certificate[] chain;
            try {
                java.security.cert.Certificate[] raw = s.getPeerCertificates();
                chain = new java.security.cert.X509Certificate[raw.length];
                for (int i = 0; i < raw.length; i++) {
                    chain[i] = (java.security.cert.X509Certificate) raw[i];
                }
            } catch (javax.net.ssl.SSLPeerUnverifiedException | ClassCastException e) {
                continue;
            }
            if (verifier.verify(chain) instanceof PeerCheck.Refused) {
                s.invalidate();
                dropped++;
            }
        }
        return dropped;
    }

    /** @return TLS 1.3 and 1.2 only, client certificate required on servers that apply it */
    public static SSLParameters parameters() {
        SSLParameters p = new SSLParameters();
        p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        p.setNeedClientAuth(true);
        return p;
    }
}
