package dev.aegis.pki.tls;

import dev.aegis.pki.internal.CertificateMint;
import dev.aegis.sdk.api.mtls.TrustBundle;
import dev.aegis.sdk.api.mtls.X509Svid;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.sdk.api.spiffe.TrustDomain;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A trust domain with its own CA generation, minting SVIDs through the production {@link CertificateMint}. */
final class TestDomain {
    final TrustDomain domain;
    final CertificateMint.Generation ca;

    TestDomain(String name) {
        this.domain = TrustDomain.of(name);
        this.ca = CertificateMint.newGeneration(domain, 1, Instant.now(), Instant.now().plus(Duration.ofDays(2)));
    }

    TrustBundle bundle() {
        return new TrustBundle(domain, List.of(ca.root()), List.of(), 1, Duration.ofMinutes(5));
    }

    X509Svid svid(String path) {
        return svid(path, Instant.now(), Instant.now().plus(Duration.ofHours(1)));
    }

    X509Svid svid(String path, Instant notBefore, Instant notAfter) {
        KeyPair keys = CertificateMint.newKeyPair();
        SpiffeId id = domain.id(path);
        X509Certificate leaf = CertificateMint.leaf(ca.intermediate(), ca.intermediateKey(), keys.getPublic(), id, List.of(),
                notBefore, notAfter);
        return X509Svid.of(List.of(leaf, ca.intermediate()), keys.getPrivate());
    }
}
