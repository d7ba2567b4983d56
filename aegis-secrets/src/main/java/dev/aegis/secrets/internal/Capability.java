package dev.aegis.secrets.internal;

/** Vault ACL capabilities; {@link #DENY} overrides every other on the same path. */
enum Capability {
    CREATE, READ, UPDATE, DELETE, LIST, SUDO, DENY, PATCH;

    static final int ALL_OPERATIONS = bit(CREATE) | bit(READ) | bit(UPDATE) | bit(DELETE) | bit(LIST) | bit(SUDO)
            | bit(PATCH);

    static int bit(Capability c) {
        return 1 << c.ordinal();
    }

    static Capability parse(String s) {
        return switch (s) {
            case "create" -> CREATE;
            case "read" -> READ;
            case "update" -> UPDATE;
            case "delete" -> DELETE;
            case "list" -> LIST;
            case "sudo" -> SUDO;
            case "deny" -> DENY;
            case "patch" -> PATCH;
            default -> throw VaultError.badRequest("invalid capability \"" + s + "\"");
        };
    }
}
