package dev.aegis.audit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aegis.audit.internal.AuditChain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attacks on the JSON-lines copy of the trail (the file shipped to ELK / Loki), edited as text. */
class JsonLinesTamperDetectedTest {

    @TempDir
    Path dir;
    Path file;
    final AuditVerifier verifier = new AuditVerifier();

    @BeforeEach
    void writeGenuineFile() throws IOException {
        file = dir.resolve("audit.jsonl");
        try (JsonLinesAuditSink sink = JsonLinesAuditSink.toFile(file)) {
            String prev = AuditChain.GENESIS_HASH;
            for (int batch = 0; batch < 4; batch++) {
                List<AuditRecord> records = new ArrayList<>();
                for (int i = 1; i <= 10; i++) {
                    long seq = batch * 10L + i;
                    AuditEvent e = AuditEvent.builder("secret.read").actor("svc-" + seq).resource("kv/app/db")
                            .time(Instant.parse("2026-03-01T10:00:00Z").plusMillis(seq)).decision(AuditDecision.ALLOW)
                            .build();
                    AuditRecord r = AuditChain.append(prev, seq, e);
                    records.add(r);
                    prev = r.hash();
                }
                sink.write(records);
            }
        }
    }

    private List<String> lines() throws IOException {
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    private VerificationReport verifyLines(List<String> lines) throws IOException {
        Files.write(file, lines, StandardCharsets.UTF_8);
        return verifier.verifyJsonLines(file);
    }

    @Test
    void genuineFileIsIntact() {
        assertEquals(new VerificationReport.Intact(40, 0), verifier.verifyJsonLines(file));
    }

    @Test
    void editedValueIsModified() throws IOException {
        List<String> lines = lines();
        lines.set(12, lines.get(12).replace("svc-13", "svc-99"));
        assertEquals(Tampering.MODIFIED, broken(verifyLines(lines), 13));
    }

    @Test
    void deletedLineIsDeleted() throws IOException {
        List<String> lines = lines();
        lines.remove(20);
        assertEquals(Tampering.DELETED, broken(verifyLines(lines), 21));
    }

    @Test
    void deletedFirstLineIsDeleted() throws IOException {
        List<String> lines = lines();
        lines.remove(0);
        assertEquals(Tampering.DELETED, broken(verifyLines(lines), 1));
    }

    @Test
    void swappedLinesAreReordered() throws IOException {
        List<String> lines = lines();
        Collections.swap(lines, 5, 6);
        assertEquals(Tampering.REORDERED, broken(verifyLines(lines), 6));
    }

    @Test
    void replayedLineIsInserted() throws IOException {
        List<String> lines = lines();
        lines.add(8, lines.get(3));
        assertEquals(Tampering.INSERTED, broken(verifyLines(lines), 9));
    }

    @Test
    void extraFieldOutsideTheHashIsModified() throws IOException {
        List<String> lines = lines();
        lines.set(30, lines.get(30).replace("{\"seq\"", "{\"admin\":\"true\",\"seq\""));
        assertEquals(Tampering.MODIFIED, broken(verifyLines(lines), 31));
    }

    @Test
    void tornLastLineIsModified() throws IOException {
        List<String> lines = lines();
        lines.set(39, lines.get(39).substring(0, 40));
        assertEquals(Tampering.MODIFIED, broken(verifyLines(lines), 40));
    }

    private static Tampering broken(VerificationReport report, long expectedSeq) {
        if (!(report instanceof VerificationReport.Broken b)) {
            throw new AssertionError("expected a broken chain, got " + report);
        }
        assertEquals(expectedSeq, b.sequence(), b.detail());
        return b.kind();
    }
}
