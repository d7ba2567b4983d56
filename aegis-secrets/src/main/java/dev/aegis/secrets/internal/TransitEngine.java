package dev.aegis.secrets.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.api.crypto.Aes256Gcm;
import dev.aegis.core.api.crypto.DecryptionFailedException;
import dev.aegis.core.api.crypto.SecretBytes;
import dev.aegis.store.api.Store;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;

/**
 * Transit (encryption as a service) at Vault's paths: {@code keys/<name>} (create, read, delete, {@code config},
 * {@code rotate}), {@code encrypt}, {@code decrypt}, {@code rewrap}, {@code datakey/plaintext|wrapped}, with
 * {@code batch_input}. Ciphertexts are {@code vault:v<N>:<base64>}; the AEAD binds mount, key name, version and
 * the optional {@code context}, so a tampered or transplanted ciphertext is refused.
 */
final class TransitEngine implements MountedEngine {
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final TransitKeys keys;

    TransitEngine(Store store, Barrier barrier, Clock clock) {
        this.keys = new TransitKeys(store, barrier, clock);
    }

    @Override
    public Reply handle(Mount mount, Call call) {
        String rest = call.rest();
        if (rest.equals("keys") && call.op() == Operation.LIST) {
            return Reply.keys(keys.names(mount));
        }
        String[] parts = rest.split("/");
        if (parts.length >= 2 && "keys".equals(parts[0])) {
            return keyAdmin(mount, call, parts);
        }
        if (parts.length == 2 && call.op() == Operation.WRITE) {
            return switch (parts[0]) {
                case "encrypt" -> batch(mount, parts[1], call.body(), "encrypt");
                case "decrypt" -> batch(mount, parts[1], call.body(), "decrypt");
                case "rewrap" -> batch(mount, parts[1], call.body(), "rewrap");
                default -> throw VaultError.notFound();
            };
        }
        if (parts.length == 3 && "datakey".equals(parts[0]) && call.op() == Operation.WRITE) {
            return datakey(mount, parts[2], parts[1], call.body());
        }
        throw VaultError.notFound();
    }

    private Reply keyAdmin(Mount mount, Call call, String[] parts) {
        String name = checkName(parts[1]);
        if (parts.length == 3 && "rotate".equals(parts[2]) && call.op() == Operation.WRITE) {
            keys.rotate(mount, name);
            return Reply.data(describe(keys.get(mount, name)));
        }
        if (parts.length == 3 && "config".equals(parts[2]) && call.op() == Operation.WRITE) {
            ObjectNode b = call.body();
            keys.configure(mount, name,
                    b.has("min_decryption_version") ? (int) VaultJson.integer(b, "min_decryption_version", 1) : null,
                    b.has("min_encryption_version") ? (int) VaultJson.integer(b, "min_encryption_version", 0) : null,
                    b.has("deletion_allowed") ? VaultJson.bool(b, "deletion_allowed", false) : null);
            return Reply.data(describe(keys.get(mount, name)));
        }
        if (parts.length != 2) {
            throw VaultError.notFound();
        }
        switch (call.op()) {
            case WRITE -> {
                keys.create(mount, name, VaultJson.text(call.body(), "type", "aes256-gcm96"));
                return Reply.data(describe(keys.get(mount, name)));
            }
            case READ -> {
                TransitKeys.KeySet ks = keys.get(mount, name);
                if (ks == null) {
                    throw VaultError.notFound();
                }
                return Reply.data(describe(ks));
            }
            case DELETE -> {
                keys.delete(mount, name);
                return Reply.noContent();
            }
            default -> throw VaultError.unsupported(call.op().name(), call.path());
        }
    }

    private static ObjectNode describe(TransitKeys.KeySet ks) {
        ObjectNode d = VaultJson.object();
        d.put("name", ks.name());
        d.put("type", ks.type());
        ObjectNode versions = d.putObject("keys");
        for (int v = 1; v <= ks.latest(); v++) {
            if (ks.created().containsKey(v)) {
                versions.put(Integer.toString(v), ks.created().get(v).getEpochSecond());
            }
        }
        d.put("latest_version", ks.latest());
        d.put("min_decryption_version", ks.minDecryption());
        d.put("min_encryption_version", ks.minEncryption());
        d.put("min_available_version", 0);
        d.put("deletion_allowed", ks.deletionAllowed());
        d.put("derived", false);
        d.put("exportable", false);
        d.put("allow_plaintext_backup", false);
        d.put("supports_encryption", true);
        d.put("supports_decryption", true);
        d.put("supports_derivation", false);
        d.put("supports_signing", false);
        d.put("auto_rotate_period", 0);
        return d;
    }

    private Reply batch(Mount mount, String name, ObjectNode body, String op) {
        checkName(name);
        TransitKeys.KeySet ks = keys.get(mount, name);
        if (ks == null && "encrypt".equals(op)) {
            keys.create(mount, name, VaultJson.text(body, "type", "aes256-gcm96")); // Vault's upsert on encrypt
            ks = keys.get(mount, name);
        }
        if (ks == null) {
            throw VaultError.badRequest("encryption key not found");
        }
        JsonNode batch = body.get("batch_input");
        if (batch != null && batch.isArray()) {
            if (batch.size() > 10_000) {
                throw VaultError.badRequest("batch_input is limited to 10000 items");
            }
            ObjectNode d = VaultJson.object();
            ArrayNode results = d.putArray("batch_results");
            for (JsonNode item : batch) {
                if (!item.isObject()) {
                    throw VaultError.badRequest("batch_input items must be objects");
                }
                try {
                    results.add(one(mount, ks, (ObjectNode) item, op));
                } catch (VaultError e) {
                    ObjectNode err = results.addObject();
                    err.put("error", e.errors().isEmpty() ? "error" : e.errors().getFirst());
                }
            }
            return Reply.data(d);
        }
        return Reply.data(one(mount, ks, body, op));
    }

    private ObjectNode one(Mount mount, TransitKeys.KeySet ks, ObjectNode item, String op) {
        byte[] context = decode(VaultJson.text(item, "context", ""), "context");
        ObjectNode out = VaultJson.object();
        switch (op) {
            case "encrypt" -> {
                byte[] plain = decode(VaultJson.requiredText(item, "plaintext"), "plaintext");
                int version = (int) VaultJson.integer(item, "key_version", 0);
                out.put("ciphertext", encrypt(mount, ks, plain, context, version));
                out.put("key_version", version == 0 ? ks.latest() : version);
            }
            case "decrypt" -> out.put("plaintext", B64.encodeToString(
                    decrypt(mount, ks, VaultJson.requiredText(item, "ciphertext"), context)));
            default -> {
                byte[] plain = decrypt(mount, ks, VaultJson.requiredText(item, "ciphertext"), context);
                out.put("ciphertext", encrypt(mount, ks, plain, context, 0));
                out.put("key_version", ks.latest());
            }
        }
        return out;
    }

    private Reply datakey(Mount mount, String name, String kind, ObjectNode body) {
        if (!"plaintext".equals(kind) && !"wrapped".equals(kind)) {
            throw VaultError.badRequest("invalid type: must be plaintext or wrapped");
        }
        TransitKeys.KeySet ks = keys.get(mount, checkName(name));
        if (ks == null) {
            throw VaultError.badRequest("encryption key not found");
        }
        long bits = VaultJson.integer(body, "bits", 256);
        if (bits != 128 && bits != 256 && bits != 512) {
            throw VaultError.badRequest("invalid bits: must be 128, 256 or 512");
        }
        byte[] context = decode(VaultJson.text(body, "context", ""), "context");
        byte[] key = SecretBytes.random((int) bits / 8).revealCopy();
        ObjectNode d = VaultJson.object();
        try {
            d.put("ciphertext", encrypt(mount, ks, key, context, 0));
            d.put("key_version", ks.latest());
            if ("plaintext".equals(kind)) {
                d.put("plaintext", B64.encodeToString(key));
            }
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
        }
        return Reply.data(d);
    }

    private static String encrypt(Mount mount, TransitKeys.KeySet ks, byte[] plain, byte[] context, int version) {
        int v = version == 0 ? ks.latest() : version;
        if (v > ks.latest() || v < Math.max(1, ks.minEncryption())) {
            throw VaultError.badRequest("requested version for encryption is not allowed");
        }
        Aes256Gcm key = ks.versions().get(v);
        return "vault:v" + v + ":" + B64.encodeToString(key.encrypt(plain, aad(mount, ks.name(), context)));
    }

    private static byte[] decrypt(Mount mount, TransitKeys.KeySet ks, String ciphertext, byte[] context) {
        if (!ciphertext.startsWith("vault:v")) {
            throw VaultError.badRequest("invalid ciphertext: no prefix");
        }
        int colon = ciphertext.indexOf(':', 7);
        int v;
        try {
            v = Integer.parseInt(ciphertext.substring(7, colon));
        } catch (RuntimeException e) {
            throw VaultError.badRequest("invalid ciphertext: could not parse version");
        }
        if (v < ks.minDecryption()) {
            throw VaultError.badRequest("ciphertext or signature version is disallowed by policy (too old)");
        }
        Aes256Gcm key = ks.versions().get(v);
        if (key == null) {
            throw VaultError.badRequest("invalid ciphertext: unknown key version");
        }
        byte[] raw = decode(ciphertext.substring(colon + 1), "ciphertext");
        try {
            return key.decrypt(raw, aad(mount, ks.name(), context));
        } catch (DecryptionFailedException e) {
            throw VaultError.badRequest("cipher: message authentication failed");
        }
    }

    private static byte[] aad(Mount mount, String name, byte[] context) {
        byte[] head = ("aegis/transit/v1/" + mount.uuid() + "/" + name + "/").getBytes(StandardCharsets.UTF_8);
        byte[] out = java.util.Arrays.copyOf(head, head.length + context.length);
        System.arraycopy(context, 0, out, head.length, context.length);
        return out;
    }

    private static byte[] decode(String b64, String field) {
        try {
            return B64D.decode(b64);
        } catch (IllegalArgumentException e) {
            throw VaultError.badRequest("failed to base64-decode " + field);
        }
    }

    private static String checkName(String name) {
        if (name.isEmpty() || name.length() > 128) {
            throw VaultError.badRequest("invalid key name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.')) {
                throw VaultError.badRequest("invalid key name");
            }
        }
        return name;
    }
}
