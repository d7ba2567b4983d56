package dev.aegis.gateway.api;

import java.util.Objects;

/**
 * A newly created API key: the only moment the key exists in clear text. Not a record, so the key never
 * appears in a {@code toString}; hand it to the consumer once and drop it.
 */
public final class CreatedApiKey {
    private final ApiKeyInfo info;
    private final String key;

    CreatedApiKey(ApiKeyInfo info, String key) {
        this.info = Objects.requireNonNull(info, "info");
        this.key = Objects.requireNonNull(key, "key");
    }

    /** @return the stored description */
    public ApiKeyInfo info() {
        return info;
    }

    /** @return the key in clear text (shown once; never logged) */
    public String revealKey() {
        return key;
    }

    @Override
    public String toString() {
        return "CreatedApiKey[keyId=" + info.keyId() + ", key=<redacted>]";
    }
}
