package dev.aegis.secrets.internal;

import com.codahale.shamir.Scheme;
import dev.aegis.core.api.crypto.SecretBytes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Shamir's secret sharing of the root key (com.codahale:shamir, GF(256)) and the unseal progress of this node.
 *
 * <p>A share is encoded as Vault does: the share bytes followed by one byte with the share's x-coordinate, as
 * hex ({@code keys}) and base64 ({@code keys_base64}); {@code sys/unseal} accepts either. Shares are collected
 * until the threshold is reached; then they are joined and the barrier checks the result against its root
 * check, so wrong shares are refused and the progress starts over. Thread-safe (a lock guards the progress).
 */
final class ShamirUnseal {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int KEY_BYTES = 32;

    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<Integer, byte[]> submitted = new TreeMap<>();
    private String nonce = "";

    /** The encoded shares of a fresh 256-bit root key. */
    record Split(SecretBytes rootKey, List<byte[]> shares) {
    }

    static Split split(int shares, int threshold) {
        if (shares < 1 || shares > 255) {
            throw VaultError.badRequest("secret_shares must be between 1 and 255");
        }
        if (threshold < 1 || threshold > shares) {
            throw VaultError.badRequest("secret_threshold must be between 1 and secret_shares");
        }
        if (shares > 1 && threshold < 2) {
            throw VaultError.badRequest("secret_threshold must be at least 2 when there are several shares");
        }
        SecretBytes root = SecretBytes.random(KEY_BYTES);
        byte[] raw = root.revealCopy();
        try {
            List<byte[]> out = new ArrayList<>();
            if (shares == 1) {
                byte[] single = Arrays.copyOf(raw, KEY_BYTES + 1);
                single[KEY_BYTES] = 0; // x = 0 marks "the key itself"
                out.add(single);
                return new Split(root, out);
            }
            Map<Integer, byte[]> parts = new Scheme(RANDOM, shares, threshold).split(raw);
            for (Map.Entry<Integer, byte[]> e : new TreeMap<>(parts).entrySet()) {
                byte[] share = Arrays.copyOf(e.getValue(), KEY_BYTES + 1);
                share[KEY_BYTES] = (byte) (int) e.getKey();
                out.add(share);
                Arrays.fill(e.getValue(), (byte) 0);
            }
            return new Split(root, out);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    static String hex(byte[] share) {
        return HexFormat.of().formatHex(share);
    }

    static String base64(byte[] share) {
        return Base64.getEncoder().encodeToString(share);
    }

    /** The outcome of submitting one share. */
    sealed interface Progress permits Pending, Complete {
    }

    /** More shares are needed. */
    record Pending(int progress, String nonce) implements Progress {
    }

    /** The threshold was reached: the joined key (not yet checked). The progress has been reset. */
    record Complete(SecretBytes rootKey) implements Progress {
    }

    Progress submit(String encoded, int shares, int threshold) {
        byte[] share = decode(encoded);
        lock.lock();
        try {
            if (submitted.isEmpty()) {
                nonce = UUID.randomUUID().toString();
            }
            int x = share[KEY_BYTES] & 0xFF;
            if (shares == 1) {
                if (x != 0) {
                    throw VaultError.badRequest("Error unsealing: invalid unseal key");
                }
                return new Complete(SecretBytes.copyOf(Arrays.copyOf(share, KEY_BYTES)));
            }
            if (x == 0) {
                throw VaultError.badRequest("Error unsealing: invalid unseal key");
            }
            submitted.putIfAbsent(x, Arrays.copyOf(share, KEY_BYTES));
            if (submitted.size() < threshold) {
                return new Pending(submitted.size(), nonce);
            }
            byte[] joined = new Scheme(RANDOM, Math.max(shares, 2), threshold).join(submitted);
            try {
                return new Complete(SecretBytes.copyOf(joined));
            } finally {
                Arrays.fill(joined, (byte) 0);
                resetLocked();
            }
        } finally {
            Arrays.fill(share, (byte) 0);
            lock.unlock();
        }
    }

    void reset() {
        lock.lock();
        try {
            resetLocked();
        } finally {
            lock.unlock();
        }
    }

    private void resetLocked() {
        for (byte[] b : submitted.values()) {
            Arrays.fill(b, (byte) 0);
        }
        submitted.clear();
        nonce = "";
    }

    int progress() {
        lock.lock();
        try {
            return submitted.size();
        } finally {
            lock.unlock();
        }
    }

    String nonce() {
        lock.lock();
        try {
            return nonce;
        } finally {
            lock.unlock();
        }
    }

    private static byte[] decode(String encoded) {
        String s = encoded == null ? "" : encoded.strip();
        byte[] b;
        try {
            b = s.length() == 2 * (KEY_BYTES + 1) ? HexFormat.of().parseHex(s) : Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw VaultError.badRequest("Error unsealing: invalid unseal key encoding");
        }
        if (b.length != KEY_BYTES + 1) {
            throw VaultError.badRequest("Error unsealing: invalid unseal key length");
        }
        return b;
    }

}
