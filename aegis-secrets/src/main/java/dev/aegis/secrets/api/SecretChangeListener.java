package dev.aegis.secrets.api;

/**
 * Told when a KV secret gets a new version or a version changes state (delete, undelete, destroy), so the
 * platform event stream can publish {@code secret.changed} and SDKs can refresh. Implementations must be quick
 * and must not throw; they are called after the change is committed, never with a secret value.
 */
@FunctionalInterface
public interface SecretChangeListener {

    /** A listener that ignores every change. */
    SecretChangeListener NONE = (mountPath, version, change) -> { };

    /**
     * @param mountPath the mount and key, e.g. {@code secret/app/db}
     * @param version   the version concerned
     * @param change    {@code write}, {@code delete}, {@code undelete}, {@code destroy} or {@code metadata-delete}
     */
    void secretChanged(String mountPath, long version, String change);
}
