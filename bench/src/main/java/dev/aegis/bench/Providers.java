package dev.aegis.bench;

import dev.aegis.core.api.crypto.CryptoProviders;

/**
 * Chooses the JCA provider of a benchmark fork: {@code accp} registers Amazon Corretto Crypto Provider first
 * (what Aegis does at start-up), {@code jdk} leaves the JDK providers alone. Each JMH fork is a fresh JVM, so
 * the two never mix.
 */
final class Providers {
    private Providers() {
    }

    static void select(String provider) {
        switch (provider) {
            case "accp" -> {
                CryptoProviders.installPreferred();
                if (!CryptoProviders.accelerated()) {
                    throw new IllegalStateException("ACCP requested but not available: " + CryptoProviders.active());
                }
            }
            case "jdk" -> {
                // nothing registered: SunEC / SunRsaSign / SunJCE
            }
            default -> throw new IllegalArgumentException("provider must be accp or jdk: " + provider);
        }
    }
}
