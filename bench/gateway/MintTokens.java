// Benchmark fixture (run with the JDK's source launcher, the Aegis jars on the class path):
//   java -cp "aegis-server/target/aegis.jar:aegis-server/target/lib/*" bench/gateway/MintTokens.java OUT_DIR
// Writes OUT_DIR/jwks.json (public JWK Set), OUT_DIR/es256-public.pem (the same key for HAProxy's jwt_verify)
// OUT_DIR/token.txt: an ES256 access token (iss, aud, sub, scope, client_id, jti, exp in 4 h) signed with
// the foundation's SigningKey/JwtSigner, and OUT_DIR/tokens.txt: COUNT (default 1000) distinct such tokens, one
// a line (own sub, client_id and jti each), which tokens.lua rotates so a verify-once cache is not flattering.
import com.nimbusds.jose.jwk.ECKey;
import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.jwt.JwtClaims;
import dev.aegis.core.api.jwt.JwtSigner;
import dev.aegis.core.api.keys.KeyRing;
import dev.aegis.core.api.keys.SigningAlgorithm;
import dev.aegis.core.api.keys.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

public class MintTokens {
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        Instant now = Instant.now();
        SigningKey key = SigningKey.generate(SigningAlgorithm.ES256, KeyId.of("bench-1"), now).activate(now);
        KeyRing ring = KeyRing.of(List.of(key));
        Files.writeString(out.resolve("jwks.json"), ring.publicJwkSetJson());
        byte[] der = ECKey.parse(key.publicJwkJson()).toECPublicKey().getEncoded();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END PUBLIC KEY-----\n";
        Files.writeString(out.resolve("es256-public.pem"), pem);
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        JwtSigner signer = new JwtSigner(() -> ring);
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < count; i++) {
            String token = signer.sign(JwtClaims.builder().issuer("https://issuer.bench.aegis.dev")
                    .subject("bench-user-" + i).audience("api://bench").issuedAt(now).expiresAt(now.plusSeconds(4 * 3600))
                    .jwtId("bench-" + now.toEpochMilli() + "-" + i).claim("scope", "bench.read")
                    .claim("client_id", "bench-client-" + i).build(), "at+jwt");
            if (i == 0) {
                Files.writeString(out.resolve("token.txt"), token);
            }
            all.append(token).append('\n');
        }
        Files.writeString(out.resolve("tokens.txt"), all.toString());
    }
}
