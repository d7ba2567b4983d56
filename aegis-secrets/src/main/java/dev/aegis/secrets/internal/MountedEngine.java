package dev.aegis.secrets.internal;

/** A secrets engine or auth method serving the requests under its mounts. */
interface MountedEngine {

    /**
     * @param mount the mount
     * @param call  the request; {@link Call#rest()} is the path inside the mount
     * @return the reply
     */
    Reply handle(Mount mount, Call call);

    /**
     * For the ACL's create-vs-update distinction: whether a WRITE to {@code rest} targets something new, so that
     * the {@code create} capability suffices.
     */
    default boolean creates(Mount mount, String rest) {
        return false;
    }

    /** Called when the mount is removed: drop the engine's rows. */
    default void unmounted(Mount mount) {
    }
}
