-- Platform tables: server-side sessions, durable jobs, the outgoing message log, maintenance notices.

create table sessions (
  id_hash text primary key,                 -- sha256 of the cookie's random id; the id itself is never stored
  data jsonb not null default '{}'::jsonb,
  user_id bigint,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_expires_at on sessions (expires_at);
create index sessions_user_id on sessions (user_id) where user_id is not null;

-- Durable jobs, enqueued in the same transaction as the write that causes them.
create table jobs (
  id bigint generated always as identity primary key,
  kind text not null,
  payload jsonb not null,
  dedupe_key text unique,                   -- at most one job per key (idempotent enqueue)
  run_at timestamptz not null default now(),
  attempts integer not null default 0,
  max_attempts integer not null default 8,
  locked_until timestamptz,
  last_error text,
  done_at timestamptz,
  failed_at timestamptz,
  created_at timestamptz not null default now()
);
create index jobs_ready on jobs (run_at) where done_at is null and failed_at is null;

-- Every email and SMS the portal sends: the notification log, and the dev outbox in embedded mode.
create table outgoing_messages (
  id bigint generated always as identity primary key,
  channel text not null check (channel in ('email', 'sms')),
  recipient text not null,
  subject text,
  body_text text not null,
  body_html text,
  transport text not null check (transport in ('outbox', 'smtp', 'sms')),
  status text not null check (status in ('sent', 'failed')),
  provider_id text,
  error text,
  job_id bigint,
  created_at timestamptz not null default now()
);
create index outgoing_messages_recipient on outgoing_messages (recipient, created_at desc);
create index outgoing_messages_created_at on outgoing_messages (created_at desc);

-- Maintenance: a banner shown on every page, or a full unavailability window (terms of use §1.4, §1.8).
create table maintenance_notices (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('banner', 'unavailable')),
  message text not null check (length(message) between 1 and 500),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  cancelled_at timestamptz,
  check (ends_at > starts_at)
);
create index maintenance_notices_window on maintenance_notices (ends_at) where cancelled_at is null;
