package dev.aegis.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openfga.language.DslToJsonTransformer;
import dev.openfga.sdk.api.client.OpenFgaClient;
import dev.openfga.sdk.api.client.model.ClientBatchCheckItem;
import dev.openfga.sdk.api.client.model.ClientBatchCheckRequest;
import dev.openfga.sdk.api.client.model.ClientBatchCheckSingleResponse;
import dev.openfga.sdk.api.client.model.ClientCheckRequest;
import dev.openfga.sdk.api.client.model.ClientExpandRequest;
import dev.openfga.sdk.api.client.model.ClientListObjectsRequest;
import dev.openfga.sdk.api.client.model.ClientListUsersRequest;
import dev.openfga.sdk.api.client.model.ClientReadChangesRequest;
import dev.openfga.sdk.api.client.model.ClientReadRequest;
import dev.openfga.sdk.api.client.model.ClientTupleKey;
import dev.openfga.sdk.api.client.model.ClientTupleKeyWithoutCondition;
import dev.openfga.sdk.api.client.model.ClientWriteRequest;
import dev.openfga.sdk.api.configuration.ApiToken;
import dev.openfga.sdk.api.configuration.ClientConfiguration;
import dev.openfga.sdk.api.configuration.Credentials;
import dev.openfga.sdk.api.model.CreateStoreRequest;
import dev.openfga.sdk.api.model.FgaObject;
import dev.openfga.sdk.api.model.User;
import dev.openfga.sdk.api.model.UserTypeFilter;
import dev.openfga.sdk.api.model.WriteAuthorizationModelRequest;
import dev.openfga.sdk.errors.FgaApiValidationError;
import dev.openfga.sdk.errors.FgaError;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official OpenFGA Java SDK ({@code dev.openfga:openfga-sdk} 0.9.4), unchanged, as the client of a started
 * Aegis server: stores, models, writes, check, batch-check, expand, list-objects, list-users, read, read-changes.
 */
class OpenFgaSdkCompatibilityTest {
    private static final String MODEL = """
            model
              schema 1.1
            type user
            type group
              relations
                define member: [user]
            type folder
              relations
                define viewer: [user, group#member]
            type document
              relations
                define parent: [folder]
                define owner: [user]
                define viewer: [user, user:*] or owner or viewer from parent
            """;

    @TempDir
    static Path dir;
    static AegisServer server;
    static OpenFgaClient fga;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(dir);
        admin = server.bootstrapCredential().orElseThrow();
        fga = new OpenFgaClient(new ClientConfiguration().apiUrl(server.baseUrl())
                .credentials(new Credentials(new ApiToken(admin))));
        String storeId = fga.createStore(new CreateStoreRequest().name("sdk")).get().getId();
        fga.setStoreId(storeId);
        ObjectMapper mapper = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        WriteAuthorizationModelRequest model = mapper.readValue(new DslToJsonTransformer().transform(MODEL),
                WriteAuthorizationModelRequest.class);
        String modelId = fga.writeAuthorizationModel(model).get().getAuthorizationModelId();
        fga.setAuthorizationModelId(modelId);
        fga.write(new ClientWriteRequest().writes(List.of(
                tuple("group:eng", "member", "user:gina"),
                tuple("folder:f", "viewer", "group:eng#member"),
                tuple("document:d1", "parent", "folder:f"),
                tuple("document:d2", "owner", "user:olga"),
                tuple("document:pub", "viewer", "user:*")))).get();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static ClientTupleKey tuple(String object, String relation, String user) {
        return new ClientTupleKey()._object(object).relation(relation).user(user);
    }

    private static boolean check(String object, String relation, String user) throws Exception {
        return fga.check(new ClientCheckRequest()._object(object).relation(relation).user(user)).get().getAllowed();
    }

    @Test
    void checkThroughGroupsAndParents() throws Exception {
        assertTrue(check("document:d1", "viewer", "user:gina"));
        assertTrue(check("document:d2", "viewer", "user:olga"));
        assertTrue(check("document:pub", "viewer", "user:anyone"));
        assertFalse(check("document:d2", "viewer", "user:gina"));
    }

    @Test
    void batchCheckAnswersEachCorrelationId() throws Exception {
        List<ClientBatchCheckSingleResponse> results = fga.batchCheck(new ClientBatchCheckRequest().checks(List.of(
                new ClientBatchCheckItem()._object("document:d1").relation("viewer").user("user:gina").correlationId("a"),
                new ClientBatchCheckItem()._object("document:d2").relation("viewer").user("user:gina").correlationId("b"))))
                .get().getResult();
        assertEquals(2, results.size());
        for (ClientBatchCheckSingleResponse r : results) {
            assertEquals("a".equals(r.getCorrelationId()), r.isAllowed(), r.getCorrelationId());
        }
    }

    @Test
    void listObjectsAndListUsers() throws Exception {
        List<String> objects = fga.listObjects(new ClientListObjectsRequest().type("document").relation("viewer")
                .user("user:gina")).get().getObjects();
        assertEquals(List.of("document:d1", "document:pub"), objects.stream().sorted().toList());
        List<User> users = fga.listUsers(new ClientListUsersRequest()._object(new FgaObject().type("document").id("d1"))
                .relation("viewer").userFilters(List.of(new UserTypeFilter().type("user")))).get().getUsers();
        assertEquals(1, users.size());
        assertEquals("gina", users.get(0).getObject().getId());
    }

    @Test
    void expandReadAndReadChanges() throws Exception {
        assertNotNull(fga.expand(new ClientExpandRequest()._object("document:d1").relation("viewer")).get().getTree().getRoot());
        assertEquals(1, fga.read(new ClientReadRequest()._object("document:d2").relation("owner")).get().getTuples().size());
        assertTrue(fga.readChanges(new ClientReadChangesRequest()).get().getChanges().size() >= 5);
    }

    @Test
    void deleteRevokesAndDuplicateWriteIsAValidationError() throws Exception {
        fga.write(new ClientWriteRequest().writes(List.of(tuple("document:tmp", "owner", "user:tom")))).get();
        assertTrue(check("document:tmp", "viewer", "user:tom"));
        ExecutionException dup = assertThrows(ExecutionException.class, () ->
                fga.write(new ClientWriteRequest().writes(List.of(tuple("document:tmp", "owner", "user:tom")))).get());
        assertInstanceOf(FgaApiValidationError.class, dup.getCause());
        fga.write(new ClientWriteRequest().deletes(List.of(new ClientTupleKeyWithoutCondition()._object("document:tmp")
                .relation("owner").user("user:tom")))).get();
        assertFalse(check("document:tmp", "viewer", "user:tom"));
    }

    @Test
    void invalidTupleGetsOpenFgaErrorJson() throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> check("document:d1", "nosuch", "user:gina"));
        FgaError error = assertInstanceOf(FgaError.class, e.getCause());
        assertEquals(400, error.getStatusCode());
        JsonNode body = new ObjectMapper().readTree(error.getResponseData());
        assertEquals("validation_error", body.get("code").asText());
        assertTrue(body.get("message").asText().contains("nosuch"), body.toString());
    }

    @Test
    void unauthenticatedCallsAreRefusedWithOpenFgaErrorJson() throws Exception {
        List<String[]> attempts = new ArrayList<>();
        attempts.add(new String[0]);
        attempts.add(new String[] {"Authorization", "Bearer aegis_bootstrap_wrong"});
        attempts.add(new String[] {"Authorization", "Bearer eyJhbGciOiJub25lIn0.eyJzY29wZSI6ImFlZ2lzOmF1dGh6In0."});
        for (String[] headers : attempts) {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/stores"));
            if (headers.length > 0) {
                req.headers(headers);
            }
            HttpResponse<String> r = TestServers.HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, r.statusCode());
            assertEquals("unauthenticated", new ObjectMapper().readTree(r.body()).get("code").asText());
        }
    }
}
