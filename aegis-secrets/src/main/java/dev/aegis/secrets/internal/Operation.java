package dev.aegis.secrets.internal;

/** The logical operation of a request (Vault's request operations), derived from the HTTP method. */
enum Operation {
    READ, LIST, WRITE, DELETE, PATCH;

    static Operation of(String method, String listParameter) {
        return switch (method) {
            case "GET", "HEAD" -> "true".equals(listParameter) ? LIST : READ;
            case "LIST" -> LIST;
            case "POST", "PUT" -> WRITE;
            case "DELETE" -> DELETE;
            case "PATCH" -> PATCH;
            default -> throw new VaultError(405, "unsupported operation");
        };
    }

    /** The capability an operation needs; WRITE needs update (or create, when the engine says it is new). */
    Capability capability() {
        return switch (this) {
            case READ -> Capability.READ;
            case LIST -> Capability.LIST;
            case WRITE -> Capability.UPDATE;
            case DELETE -> Capability.DELETE;
            case PATCH -> Capability.PATCH;
        };
    }
}
