-- Integrity of signing key rows. Public JWKs and key states are stored in the clear (verifiers need them), so a
-- database writer could otherwise insert a verification key of their own or revive a RETIRED key. Every row now
-- carries an HMAC-SHA256 under a key derived from the root key, which is not in the database; a row whose MAC
-- is missing or wrong is never used (see SigningKeyRowMac).
ALTER TABLE signing_keys ADD COLUMN row_mac VARCHAR(128);
