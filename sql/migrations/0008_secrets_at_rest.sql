-- Signing secrets encrypted at rest, and the signature scheme of each endpoint.
--
-- `ciphertext` is AES-256-GCM (version byte, 12-byte nonce, ciphertext, tag) with the endpoint id as
-- associated data; the key lives outside the database (ROWHOOK_SECRET_KEY or the key file), so this
-- migration cannot encrypt: the runtime seals the remaining plaintext rows at start-up and clears
-- `secret`. `key_id` fingerprints the key a row was sealed with, so start-up can refuse a different
-- key with a clear message instead of failing later, mid-delivery.
alter table rowhook.endpoint_secrets
  alter column secret drop not null,
  add column ciphertext bytea,
  add column key_id text,
  add constraint endpoint_secrets_one_form check ((secret is null) <> (ciphertext is null)),
  add constraint endpoint_secrets_sealed_key check (ciphertext is null or key_id is not null);

-- v1: HMAC-SHA256 with a shared whsec_ secret; v1a: ed25519, the endpoint's receiver verifies with
-- the public key (whpk_), the private key (whsk_) stays in the secret store.
alter table rowhook.endpoints
  add column signature_scheme text not null default 'v1' check (signature_scheme in ('v1', 'v1a'));
