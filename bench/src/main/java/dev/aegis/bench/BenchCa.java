package dev.aegis.bench;

import dev.aegis.pki.internal.CertificateMint;
import dev.aegis.sdk.api.mtls.MtlsContext;
import dev.aegis.sdk.api.mtls.PeerAuthorizer;
import dev.aegis.sdk.api.mtls.PeerVerifier;
import dev.aegis.sdk.api.mtls.SpiffeKeyManager;
import dev.aegis.sdk.api.mtls.SpiffeTrustManager;
import dev.aegis.sdk.api.mtls.TrustBundle;
import dev.aegis.sdk.api.mtls.X509Svid;
import dev.aegis.sdk.api.spiffe.TrustDomain;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;

/** A trust domain for the TLS benchmarks: one CA generation minted by the production code, SDK contexts over it. */
final class BenchCa {
    final TrustDomain domain = TrustDomain.of("bench.aegis");
    final CertificateMint.Generation ca = CertificateMint.newGeneration(domain, 1, Instant.now(), Instant.now().plus(Duration.ofDays(2)));

    X509Svid svid(String path) {
        KeyPair keys = CertificateMint.newKeyPair();
        return X509Svid.of(List.of(CertificateMint.leaf(ca.intermediate(), ca.intermediateKey(), keys.getPublic(), domain.id(path),
                List.of("localhost"), Instant.now(), Instant.now().plus(Duration.ofHours(1))), ca.intermediate()), keys.getPrivate());
    }

    /** @return an SDK context presenting an SVID for {@code path} and accepting only {@code peerPath} */
    SSLContext context(String path, String peerPath) {
        PeerVerifier verifier = new PeerVerifier(PeerAuthorizer.allowing(domain.id(peerPath)), Clock.systemUTC());
        verifier.updateBundle(new TrustBundle(domain, List.of(ca.root()), List.of(), 1, Duration.ofMinutes(5)));
        return MtlsContext.create(new SpiffeKeyManager(svid(path)), new SpiffeTrustManager(verifier));
    }
}
