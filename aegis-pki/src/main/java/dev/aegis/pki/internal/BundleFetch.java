package dev.aegis.pki.internal;

import dev.aegis.sdk.api.mtls.TrustBundle;
import dev.aegis.sdk.api.spiffe.TrustDomain;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/** Fetches a foreign trust bundle over HTTPS, authenticated by {@link BundleEndpointTrust}. */
public final class BundleFetch {

    private BundleFetch() {
    }

    /**
     * @return the parsed bundle
     * @throws IOException naming why (TLS refusal, HTTP status, bad document)
     */
    public static TrustBundle fetch(TrustDomain domain, URI endpoint, String pin, TrustBundle known)
            throws IOException, InterruptedException {
        if (!"https".equals(endpoint.getScheme())) {
            throw new IOException("a bundle endpoint must be https");
        }
        SSLContext tls;
        try {
            tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {new BundleEndpointTrust(pin, known)}, new SecureRandom());
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS is not available", e);
        }
        try (HttpClient client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("bundle endpoint answered HTTP " + r.statusCode());
            }
            try {
                return TrustBundle.parse(domain, r.body());
            } catch (IllegalArgumentException e) {
                throw new IOException("bundle endpoint served an invalid bundle: " + e.getMessage(), e);
            }
        }
    }
}
