-- Writes that scale with nodes (decision 0022).
--
-- 1. The audit trail without a global lock: a write appends its row with no hash (prev_hash, hash
--    and seq null); the sealer (src/platform/audit.ts, sealAuditEvents, run by every node's job
--    worker but by one at a time) then gives the committed rows, in id order, their place in the
--    chain (seq, 1, 2, 3…) and their hashes. The chain is walked in seq order: a row committed
--    late is sealed in the next batch, after rows with higher ids.
alter table audit_events add column seq bigint;
alter table audit_events alter column prev_hash drop not null, alter column hash drop not null;
update audit_events e set seq = n.seq
  from (select id, row_number() over (order by id) as seq from audit_events) n
  where e.id = n.id;
create unique index audit_events_seq on audit_events (seq);
-- what the sealer reads: the rows still waiting for their place in the chain
create index audit_events_unsealed on audit_events (id) where seq is null;
alter table audit_events add constraint audit_events_sealed_whole
  check ((seq is null and prev_hash is null and hash is null) or (seq is not null and prev_hash is not null and hash is not null));

-- 2. The FranceConnect simulator's state (oidc-provider's sessions, interactions, codes, grants…)
--    in the database instead of one process's memory, so that a sign-in started on one node ends
--    on another. One row per (model, id), as oidc-provider's adapter interface reads them.
create table oidc_payloads (
  model text not null,
  id text not null,
  payload jsonb not null,
  grant_id text,
  user_code text,
  uid text,
  expires_at timestamptz,
  consumed_at timestamptz,
  primary key (model, id)
);
create index oidc_payloads_grant on oidc_payloads (grant_id) where grant_id is not null;
create index oidc_payloads_uid on oidc_payloads (uid) where uid is not null;
create index oidc_payloads_expires on oidc_payloads (expires_at) where expires_at is not null;
