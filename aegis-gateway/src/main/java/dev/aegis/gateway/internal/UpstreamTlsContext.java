package dev.aegis.gateway.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The TLS client side of upstream mTLS: the gateway presents its own certificate (PEM files today, or any
 * {@link X509KeyManager}, e.g. a rotating SVID source later) and accepts an upstream only if its chain
 * validates against the configured CA <em>and</em> its leaf names the expected identity: a SPIFFE ID in a URI
 * SAN ({@code spiffe://…}, SPIFFE X.509-SVID §2) or a DNS SAN. PEM and X.509 parsing are BouncyCastle's and
 * the JDK's. Immutable once built; thread-safe.
 */
final class UpstreamTlsContext {

    private UpstreamTlsContext() {
    }

    static SSLContext fromPem(GatewayConfig.UpstreamTls tls) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = certificates(tls.certificate());
        if (chain.isEmpty()) {
            throw new GeneralSecurityException("no certificate in " + tls.certificate().getFileName());
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pw = new char[0];
        ks.setKeyEntry("gateway", privateKey(tls.privateKey()), pw, chain.toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        X509KeyManager km = (X509KeyManager) kmf.getKeyManagers()[0];
        return create(km, trustManager(certificates(tls.trust())), tls.expectedId());
    }

    /**
     * @param keyManager  the gateway's identity (any source)
     * @param trust       validates the upstream's chain
     * @param expectedId  SPIFFE ID or DNS name the upstream's leaf must carry; {@code null}: chain only
     */
    static SSLContext create(X509KeyManager keyManager, X509TrustManager trust, String expectedId)
            throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(new javax.net.ssl.KeyManager[] {keyManager},
                new javax.net.ssl.TrustManager[] {new PeerIdentityTrustManager(trust, expectedId)}, null);
        return ctx;
    }

    static X509TrustManager trustManager(List<X509Certificate> anchors) throws GeneralSecurityException, IOException {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        for (int i = 0; i < anchors.size(); i++) {
            ts.setCertificateEntry("ca" + i, anchors.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        return (X509TrustManager) tmf.getTrustManagers()[0];
    }

    static List<X509Certificate> certificates(Path pem) throws IOException, CertificateException {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends java.security.cert.Certificate> certs =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> out = new ArrayList<>();
            for (java.security.cert.Certificate c : certs) {
                out.add((X509Certificate) c);
            }
            return out;
        }
    }

    static PrivateKey privateKey(Path pem) throws IOException {
        try (Reader r = Files.newBufferedReader(pem); PEMParser parser = new PEMParser(r)) {
            Object o = parser.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair kp) {
                return conv.getPrivateKey(kp.getPrivateKeyInfo()); // SEC1 files may omit the public key
            }
            if (o instanceof PrivateKeyInfo info) {
                return conv.getPrivateKey(info);
            }
            throw new IOException("no unencrypted private key in " + pem.getFileName());
        }
    }

    /** Chain validation by the JDK, then the identity check (java-spiffe's SpiffeTrustManager shape, never accept-any). */
    static final class PeerIdentityTrustManager extends X509ExtendedTrustManager {
        private final X509TrustManager delegate;
        private final String expectedId;

        PeerIdentityTrustManager(X509TrustManager delegate, String expectedId) {
            this.delegate = delegate;
            this.expectedId = expectedId;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
            checkIdentity(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            if (expectedId == null && delegate instanceof X509ExtendedTrustManager x) {
                x.checkServerTrusted(chain, authType, engine); // chain and the host name the client asked for
                return;
            }
            checkServerTrusted(chain, authType); // chain, then the expected identity replaces the host name
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the upstream trust manager validates servers only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }

        private void checkIdentity(X509Certificate[] chain) throws CertificateException {
            if (expectedId == null) {
                return;
            }
            Collection<List<?>> sans = chain[0].getSubjectAlternativeNames();
            if (sans != null) {
                int wanted = expectedId.startsWith("spiffe://") ? 6 : 2; // URI or DNS GeneralName
                for (List<?> san : sans) {
                    if (((Integer) san.get(0)) == wanted && expectedId.equals(san.get(1))) {
                        return;
                    }
                }
            }
            throw new CertificateException("upstream certificate does not carry the expected identity");
        }
    }
}
