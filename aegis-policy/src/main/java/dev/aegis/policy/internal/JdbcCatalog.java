package dev.aegis.policy.internal;

import dev.aegis.store.api.Store;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of OpenFGA stores and authorization models ({@code authz_stores}, {@code authz_models}, V30), on H2 and
 * PostgreSQL alike. Models are immutable rows; the newest (highest ULID) is a store's current model.
 * Thread-safe (no state beside the {@link Store}).
 */
public final class JdbcCatalog {
    private final Store store;

    public JdbcCatalog(Store store) {
        this.store = store;
    }

    public StoreInfo createStore(String name, Instant now) {
        String id = Ulid.next(now.toEpochMilli());
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO authz_stores (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, name);
                ps.setObject(3, utc(at));
                ps.setObject(4, utc(at));
                return ps.executeUpdate();
            }
        });
        return new StoreInfo(id, name, at, at);
    }

    public Optional<StoreInfo> findStore(String id) {
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, name, created_at, updated_at FROM authz_stores WHERE id = ? AND deleted_at IS NULL")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(storeInfo(rs)) : Optional.<StoreInfo>empty();
                }
            }
        });
    }

    /** Stores in id order after {@code afterId} (exclusive, {@code ""} for the first page). */
    public List<StoreInfo> listStores(String afterId, int limit) {
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, name, created_at, updated_at FROM authz_stores "
                    + "WHERE deleted_at IS NULL AND id > ? ORDER BY id LIMIT ?")) {
                ps.setString(1, afterId);
                ps.setInt(2, limit);
                List<StoreInfo> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(storeInfo(rs));
                    }
                }
                return out;
            }
        });
    }

    /** Soft-deletes a store (its change log rows stay, as the audit of what it granted). */
    public boolean deleteStore(String id, Instant now) {
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE authz_stores SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL")) {
                ps.setObject(1, utc(now));
                ps.setObject(2, utc(now));
                ps.setString(3, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static StoreInfo storeInfo(ResultSet rs) throws SQLException {
        return new StoreInfo(rs.getString(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class).toInstant(),
                rs.getObject(4, OffsetDateTime.class).toInstant());
    }

    public void insertModel(String storeId, AuthzModel model, Instant now) {
        store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO authz_models (id, store_id, schema_version, "
                    + "model_json, created_at) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, model.id());
                ps.setString(2, storeId);
                ps.setString(3, model.schemaVersion());
                ps.setString(4, model.json().toString());
                ps.setObject(5, utc(now));
                return ps.executeUpdate();
            }
        });
    }

    /** The model JSON by id, or the newest when {@code modelId} is {@code null}. */
    public Optional<String[]> findModel(String storeId, String modelId) {
        String sql = modelId == null
                ? "SELECT id, model_json FROM authz_models WHERE store_id = ? ORDER BY id DESC LIMIT 1"
                : "SELECT id, model_json FROM authz_models WHERE store_id = ? AND id = ?";
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, storeId);
                if (modelId != null) {
                    ps.setString(2, modelId);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new String[] {rs.getString(1), rs.getString(2)}) : Optional.<String[]>empty();
                }
            }
        });
    }

    /** Model ids and JSON, newest first, older than {@code beforeId} ({@code null} for the first page). */
    public List<String[]> listModels(String storeId, String beforeId, int limit) {
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, model_json FROM authz_models WHERE store_id = ? "
                    + "AND id < ? ORDER BY id DESC LIMIT ?")) {
                ps.setString(1, storeId);
                ps.setString(2, beforeId == null ? "~" : beforeId);
                ps.setInt(3, limit);
                List<String[]> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new String[] {rs.getString(1), rs.getString(2)});
                    }
                }
                return out;
            }
        });
    }

    private static OffsetDateTime utc(Instant i) {
        return OffsetDateTime.ofInstant(i.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }
}
