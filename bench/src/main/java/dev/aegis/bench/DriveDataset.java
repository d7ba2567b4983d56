package dev.aegis.bench;

import dev.aegis.policy.api.AuthzService;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A Google-Drive-style dataset of exactly 1,000,000 tuples: 100,000 users in 10,000 groups; a folder tree four
 * levels deep (20 roots, 200, 2,000, 20,000 leaves); 800,000 documents in the leaves; root folders shared with
 * groups, level-2 folders editable by groups; 76,950 document owners; and one user ({@link #LISTER}) who can
 * see exactly 10,000 documents through 250 leaf folders. A check of {@code document#viewer} walks
 * document -> leaf -> level 3 -> level 2 -> root (depth 4) and expands group usersets on the way.
 */
final class DriveDataset {
    static final String MODEL = """
            model
              schema 1.1
            type user
            type group
              relations
                define member: [user, group#member]
            type folder
              relations
                define parent: [folder]
                define owner: [user]
                define editor: [user, group#member] or owner or editor from parent
                define viewer: [user, group#member] or editor or viewer from parent
            type document
              relations
                define parent: [folder]
                define owner: [user]
                define editor: [user, group#member] or owner or editor from parent
                define viewer: [user, group#member] or editor or viewer from parent
            """;
    static final int USERS = 100_000;
    static final int GROUPS = 10_000;
    static final int LEAVES = 20_000;
    static final int DOCUMENTS = 800_000;
    static final int OWNERS = 76_950;
    static final int LISTER_LEAVES = 250;
    static final String LISTER = "user:lister";

    private DriveDataset() {
    }

    /**
     * The store of a previous run in the same data directory (the id is kept in {@code drive-store-id} beside the
     * database), or a freshly loaded one: H2 takes minutes to insert a million tuples, the engine seconds to read them.
     */
    static String loadOrReuse(AuthzService authz, java.nio.file.Path dataDir) throws java.io.IOException {
        java.nio.file.Path marker = dataDir.resolve("drive-store-id");
        if (java.nio.file.Files.exists(marker)) {
            return java.nio.file.Files.readString(marker).strip();
        }
        String store = load(authz);
        java.nio.file.Files.writeString(marker, store);
        return store;
    }

    /** Loads the model and the tuples into a new store; returns the store id. */
    static String load(AuthzService authz) {
        String store = authz.createStore("drive-bench");
        authz.writeModel(store, MODEL);
        List<String[]> tuples = new ArrayList<>(1_000_000);
        for (int u = 0; u < USERS; u++) {
            tuples.add(new String[] {"group:g" + (u / 10), "member", "user:u" + u});
        }
        for (int i = 0; i < 200; i++) {
            tuples.add(new String[] {"folder:f2_" + i, "parent", "folder:f1_" + (i / 10)});
        }
        for (int i = 0; i < 2_000; i++) {
            tuples.add(new String[] {"folder:f3_" + i, "parent", "folder:f2_" + (i / 10)});
        }
        for (int i = 0; i < LEAVES; i++) {
            tuples.add(new String[] {"folder:f4_" + i, "parent", "folder:f3_" + (i / 10)});
        }
        for (int r = 0; r < 20; r++) {
            for (int j = 0; j < 20; j++) {
                tuples.add(new String[] {"folder:f1_" + r, "viewer", "group:g" + (r * 20 + j) + "#member"});
            }
        }
        for (int i = 0; i < 200; i++) {
            tuples.add(new String[] {"folder:f2_" + i, "editor", "group:g" + (400 + i) + "#member"});
        }
        for (int l = 0; l < LISTER_LEAVES; l++) {
            tuples.add(new String[] {"folder:f4_" + l, "viewer", LISTER});
        }
        for (int d = 0; d < DOCUMENTS; d++) {
            tuples.add(new String[] {"document:d" + d, "parent", "folder:f4_" + (d % LEAVES)});
        }
        for (int d = 0; d < OWNERS; d++) {
            tuples.add(new String[] {"document:d" + d, "owner", "user:u" + ((d * 7) % USERS)});
        }
        if (tuples.size() != 1_000_000) {
            throw new IllegalStateException("dataset has " + tuples.size() + " tuples");
        }
        authz.bulkLoad(store, tuples);
        return store;
    }

    /** A random check: half of them by a user who may view the document through a root folder's group. */
    static String[] randomCheck(SplittableRandom random) {
        int d = random.nextInt(DOCUMENTS);
        String user;
        if (random.nextBoolean()) {
            int root = (d % LEAVES) / 1000;
            int group = root * 20 + random.nextInt(20);
            user = "user:u" + (group * 10 + random.nextInt(10));
        } else {
            user = "user:u" + random.nextInt(USERS);
        }
        return new String[] {"document:d" + d, "viewer", user};
    }
}
