package dev.aegis.server.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The TLS material of a listener: an {@link SSLContext} (TLS 1.3 and 1.2) built once over a
 * {@link SwappableKeyManager} and a {@link SwappableTrustManager}, so certificates and trust anchors are
 * replaced live with {@link #reload}. PEM parsing is BouncyCastle's; the JDK does the X.509 work.
 *
 * <p>Thread-safe.
 */
public final class ServerTls {
    private static final char[] IN_MEMORY_PASSWORD = new char[0];

    private final SwappableKeyManager keyManager;
    private final SwappableTrustManager trustManager;
    private final SSLContext context;

    private ServerTls(X509ExtendedKeyManager keys, X509ExtendedTrustManager trust) throws GeneralSecurityException {
        this.keyManager = new SwappableKeyManager(keys);
        this.trustManager = new SwappableTrustManager(trust);
        this.context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {keyManager}, new TrustManager[] {trustManager}, null);
    }

    /**
     * Builds TLS material from a certificate chain and a private key (PEM), trusting {@code trustAnchors} for
     * client certificates (an empty list trusts no client certificate at all).
     */
    public static ServerTls create(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> trustAnchors)
            throws GeneralSecurityException {
        return new ServerTls(keyManager(chain, key), trustManager(trustAnchors));
    }

    /** Builds TLS material from PEM files; {@code clientCa} may be null when no client certificates are checked. */
    public static ServerTls fromPem(Path certificate, Path privateKey, Path clientCa) throws IOException, GeneralSecurityException {
        return create(readCertificates(certificate), readPrivateKey(privateKey),
                clientCa == null ? List.of() : readCertificates(clientCa));
    }

    public SSLContext sslContext() {
        return context;
    }

    /** Replaces the served certificate and the trusted client CAs from the next handshake on. */
    public void reload(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> trustAnchors)
            throws GeneralSecurityException {
        X509ExtendedKeyManager keys = keyManager(chain, key);
        X509ExtendedTrustManager trust = trustManager(trustAnchors);
        keyManager.swap(keys);
        trustManager.swap(trust);
    }

    private static X509ExtendedKeyManager keyManager(List<X509Certificate> chain, PrivateKey key)
            throws GeneralSecurityException {
        if (chain.isEmpty()) {
            throw new GeneralSecurityException("the certificate file holds no certificate");
        }
        KeyStore store = emptyKeyStore();
        store.setKeyEntry("server", key, IN_MEMORY_PASSWORD, chain.toArray(new Certificate[0]));
        KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
        factory.init(store, IN_MEMORY_PASSWORD);
        for (KeyManager manager : factory.getKeyManagers()) {
            if (manager instanceof X509ExtendedKeyManager extended) {
                return extended;
            }
        }
        throw new GeneralSecurityException("no X.509 key manager available");
    }

    private static X509ExtendedTrustManager trustManager(List<X509Certificate> anchors) throws GeneralSecurityException {
        KeyStore store = emptyKeyStore();
        for (int i = 0; i < anchors.size(); i++) {
            store.setCertificateEntry("anchor-" + i, anchors.get(i));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager extended) {
                return extended;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager available");
    }

    private static KeyStore emptyKeyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot create an in-memory key store", e);
        }
        return store;
    }

    static List<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> certificates = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (Certificate certificate : factory.generateCertificates(in)) {
                certificates.add((X509Certificate) certificate);
            }
        }
        return certificates;
    }

    static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
        PrivateKeyInfo info;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            Object parsed = parser.readObject();
            if (parsed instanceof PrivateKeyInfo pkcs8) {
                info = pkcs8;
            } else if (parsed instanceof PEMKeyPair pair) {
                // SEC1 / PKCS#1 files carry the public key too; only the private half is needed.
                info = pair.getPrivateKeyInfo();
            } else {
                // Never include the file's content in the message: it is a private key.
                throw new GeneralSecurityException(file + " does not hold an unencrypted PEM private key");
            }
        }
        return toPrivateKey(file, info);
    }

    private static PrivateKey toPrivateKey(Path file, PrivateKeyInfo info) throws GeneralSecurityException {
        try {
            return new JcaPEMKeyConverter().getPrivateKey(info);
        } catch (IOException e) {
            throw new GeneralSecurityException(file + ": unsupported or damaged private key");
        }
    }
}
