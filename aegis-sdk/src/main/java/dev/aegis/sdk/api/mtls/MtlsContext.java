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
 * <p>Sessions live at most {@link #SESSION_TIMEOUT_SECONDS}: a resumed handshake skips the trust manager, so
 * this bounds how long a peer revoked after its full handshake can resume (the SDK also drops the cached
 * sessions of revoked peers at once, see {@code WorkloadIdentity}).
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
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(new KeyManager[] {keys}, new TrustManager[] {trust}, new SecureRandom());
            ctx.getClientSessionContext().setSessionTimeout(SESSION_TIMEOUT_SECONDS);
            ctx.getServerSessionContext().setSessionTimeout(SESSION_TIMEOUT_SECONDS);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available", e);
        }
    }

    /** @return TLS 1.3 and 1.2 only, client certificate required on servers that apply it */
    public static SSLParameters parameters() {
        SSLParameters p = new SSLParameters();
        p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        p.setNeedClientAuth(true);
        return p;
    }
}
