package dev.aegis.core.api.crypto;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.Provider;
import java.security.Security;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the JCA provider that does the actual cryptography. Amazon Corretto Crypto Provider (AWS-LC inside)
 * signs and verifies ES256 seven to nine times faster than the JDK's SunEC (DEPENDENCIES.md), and Nimbus,
 * BouncyCastle's X.509 code and {@link javax.crypto.Cipher} all take the highest-priority JCA provider, so one
 * registration speeds up every token issued and verified. Where its native library does not load (another OS or
 * CPU) or its self-tests fail, the JDK providers stay in charge: correctness never depends on the choice.
 *
 * <p>Call {@link #installPreferred()} once at start-up, before the first key is generated. Thread-safe and
 * idempotent. No method returns {@code null}.
 */
public final class CryptoProviders {

    private static final Logger LOG = LoggerFactory.getLogger(CryptoProviders.class);
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static volatile String description;
    private static volatile boolean accelerated;

    private CryptoProviders() {
    }

    /**
     * Registers Amazon Corretto Crypto Provider as JCA provider #1 when its native library loads and
     * {@code assertHealthy()} passes; otherwise leaves the JDK providers. Later calls return the first result.
     *
     * @return a description of the active provider, e.g. {@code "AmazonCorrettoCryptoProvider 2.4.1 (AWS-LC)"}
     */
    public static String installPreferred() {
        String d = description;
        if (d != null) {
            return d;
        }
        LOCK.lock();
        try {
            if (description == null) {
                accelerated = tryInstallAccp();
                description = describe();
                LOG.atInfo().addKeyValue("provider", description).addKeyValue("accelerated", accelerated)
                        .log("JCA crypto provider selected");
            }
            return description;
        } finally {
            LOCK.unlock();
        }
    }

    /** @return a description of the provider in use now (the JDK's if {@link #installPreferred()} was not called) */
    public static String active() {
        String d = description;
        return d != null ? d : describe();
    }

    /** @return whether Amazon Corretto Crypto Provider is installed, healthy and first */
    public static boolean accelerated() {
        return accelerated;
    }

    private static boolean tryInstallAccp() {
        try {
            AmazonCorrettoCryptoProvider.install();
            AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
            Provider first = Security.getProviders()[0];
            return AmazonCorrettoCryptoProvider.PROVIDER_NAME.equals(first.getName());
        } catch (Throwable t) { // NOPMD: UnsatisfiedLinkError, RuntimeCryptoException, NoClassDefFoundError...
            try {
                Security.removeProvider(AmazonCorrettoCryptoProvider.PROVIDER_NAME);
            } catch (Throwable ignored) { // NOPMD: the class itself may be unusable
                // nothing registered, nothing to undo
            }
            LOG.atWarn().addKeyValue("reason", t.toString())
                    .log("Amazon Corretto Crypto Provider unavailable, using the JDK providers");
            return false;
        }
    }

    private static String describe() {
        Provider[] providers = Security.getProviders();
        if (providers.length > 0 && "AmazonCorrettoCryptoProvider".equals(providers[0].getName())) {
            return "AmazonCorrettoCryptoProvider " + providers[0].getVersionStr() + " (AWS-LC)";
        }
        return "JDK providers (" + (providers.length > 0 ? providers[0].getName() : "none") + " first, "
                + System.getProperty("java.vendor") + " " + Runtime.version() + ")";
    }
}
