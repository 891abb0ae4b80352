-- Back-office security: the hash-chained audit trail, its daily head records, and the agents'
-- second factor (TOTP).

-- Each audit row carries the hash of the row before it (prev_hash) and its own hash, SHA-256 over
-- the canonical form written in src/platform/audit.ts (canonicalAuditRow). Rows are appended under
-- an advisory lock, so the chain never forks; the unique index refuses a fork if the lock were ever
-- bypassed.
alter table audit_events add column prev_hash text, add column hash text;

-- Chain the rows written before this migration, in id order, with the same canonical form.
do $chain$
declare
  r record;
  previous text := repeat('0', 64);
  digest text;
begin
  for r in select * from audit_events order by id loop
    digest := encode(sha256(convert_to('[' || concat_ws(',',
      to_json(previous)::text,
      r.id::text,
      to_json(to_char(r.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text,
      to_json(r.actor_kind)::text,
      coalesce(r.actor_id::text, 'null'),
      to_json(r.action)::text,
      coalesce(to_json(r.subject_kind)::text, 'null'),
      coalesce(r.subject_id::text, 'null'),
      coalesce(to_json(r.ip)::text, 'null'),
      to_json(r.details::text)::text) || ']', 'UTF8')), 'hex');
    update audit_events set prev_hash = previous, hash = digest where id = r.id;
    previous := digest;
  end loop;
end
$chain$;

alter table audit_events alter column prev_hash set not null, alter column hash set not null;
create unique index audit_events_prev_hash on audit_events (prev_hash);

-- The head of the chain at the end of each day (Paris time), recorded by the daily job
-- "record-audit-head" and written to the logs: rows deleted at the end of the chain, which no
-- later row points to, are caught against these.
create table audit_heads (
  day date primary key,
  last_id bigint not null,
  hash text not null,
  recorded_at timestamptz not null default now()
);

-- TOTP (RFC 6238) of the agents: the secret is encrypted (AES-256-GCM, key derived from the
-- session secret); totp_confirmed_at is null until the agent has typed a first valid code;
-- totp_last_step is the last 30-second step accepted, so a code is never accepted twice.
alter table agents
  add column totp_secret text,
  add column totp_confirmed_at timestamptz,
  add column totp_last_step bigint,
  add check (totp_confirmed_at is null or totp_secret is not null);
