package dev.aegis.pki.internal;

import dev.aegis.sdk.api.mtls.PinPolicy;
import dev.aegis.sdk.api.mtls.TrustBundle;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Authenticates a foreign trust domain's bundle endpoint: the server's chain must contain a key whose SPKI
 * SHA-256 equals the pin an administrator configured (the first fetch is pinned, SPIFFE Federation §5.2 leaves
 * the bootstrap to the operator), or, once a bundle is known, validate to one of its X.509 authorities (the
 * {@code https_spiffe} profile). Host names are not checked: the pin or the bundle is the authentication.
 */
final class BundleEndpointTrust extends X509ExtendedTrustManager {

    private final String pin;
    private final TrustBundle known;

    BundleEndpointTrust(String pin, TrustBundle known) {
        this.pin = pin;
        this.known = known;
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the bundle endpoint presented no certificate");
        }
        for (X509Certificate c : chain) {
            if (PinPolicy.pinOf(c).equals(pin)) {
                return;
            }
        }
        if (known != null && validates(chain, known.x509Authorities())) {
            return;
        }
        throw new CertificateException("the bundle endpoint matches neither the configured SPKI pin nor the known bundle");
    }

    private static boolean validates(X509Certificate[] chain, List<X509Certificate> roots) {
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            for (X509Certificate r : roots) {
                anchors.add(new TrustAnchor(r, null));
            }
            PKIXParameters p = new PKIXParameters(anchors);
            p.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(chain)), p);
            return true;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("client side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
