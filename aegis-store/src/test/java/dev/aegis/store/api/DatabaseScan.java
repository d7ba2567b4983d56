package dev.aegis.store.api;

import dev.aegis.core.api.crypto.DecryptionFailedException;
import dev.aegis.core.api.crypto.Envelope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Test helper: every cell of some tables as bytes, and byte searches, to prove no secret is stored in the clear. */
final class DatabaseScan {

    private DatabaseScan() {
    }

    static List<byte[]> allCells(Store store, String... tables) {
        return store.inTransaction(c -> {
            List<byte[]> cells = new ArrayList<>();
            for (String table : tables) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) {
                            Object v = rs.getObject(i);
                            if (v instanceof byte[] b) {
                                cells.add(b);
                            } else if (v != null) {
                                cells.add(v.toString().getBytes(StandardCharsets.UTF_8));
                            }
                        }
                    }
                }
            }
            return cells;
        });
    }

    /** @return whether any cell contains {@code base64url} as text or its decoded bytes */
    static boolean containsAny(List<byte[]> cells, String base64url) {
        byte[] text = base64url.getBytes(StandardCharsets.US_ASCII);
        byte[] raw = base64UrlDecode(base64url);
        for (byte[] cell : cells) {
            if (contains(cell, text) || contains(cell, raw)) {
                return true;
            }
        }
        return false;
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    static byte[] base64UrlDecode(String s) {
        return Base64.getUrlDecoder().decode(s);
    }

    static byte[] readFile(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Envelope envelope(byte[] encoded) {
        try {
            return Envelope.decode(encoded);
        } catch (DecryptionFailedException e) {
            throw new AssertionError(e);
        }
    }
}
