-- Driving-licence requests (issue 8): the user's request, filed in steps and instructed by the
-- licence service; the built-in photo-signature service (codes from approved photographers and
-- booths); the NEPH order counters.

create table licence_photo_codes (
  id bigint generated always as identity primary key,
  -- the 22-character code is never stored: its keyed HMAC only (src/domains/licences/photo-service.ts)
  code_hash text not null unique,
  photographer text not null,
  issued_at timestamptz not null default now(),
  expires_at timestamptz not null,
  -- a code is used once, by one request (conditional update)
  used_at timestamptz,
  used_by_request_id bigint
);

create table licence_requests (
  id bigint generated always as identity primary key,
  file_number text not null unique,
  account_id bigint not null references accounts (id) on delete cascade,
  reason text not null check (reason in ('registration', 'title_exam', 'title_diploma', 'title_military', 'title_invalidation',
    'title_suspension', 'renewal', 'loss', 'theft', 'damage', 'foreign_exchange', 'international', 'correction')),
  for_other boolean not null,
  status text not null default 'draft' check (status in ('draft', 'sent', 'images_check', 'instruction', 'to_complete',
    'images_rejected', 'rejected', 'validated')),
  -- the answers of each step (details, identity of the person concerned, contact details)
  data jsonb not null default '{}'::jsonb,
  step text not null default 'details',
  -- searchable copies of the person concerned's names (back-office search)
  person_name text,
  neph text check (neph is null or neph ~ '^[0-9]{12}$'),
  photo_mode text check (photo_mode in ('code', 'classic')),
  photo_code_id bigint references licence_photo_codes (id),
  fee_cents integer not null default 0,
  stamp_last4 text,
  -- a double click on "Commencer" creates one request
  idempotency_key text not null,
  assigned_agent_id bigint references agents (id),
  assigned_at timestamptz,
  decision_note text,
  decided_at timestamptz,
  submitted_at timestamptz,
  purge_warned_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (account_id, idempotency_key)
);
create index licence_requests_account on licence_requests (account_id, created_at desc);
-- the back-office queue: by status, oldest first (keyset on submitted_at, id)
create index licence_requests_queue on licence_requests (status, submitted_at, id) where status <> 'draft';
create index licence_requests_created on licence_requests (created_at);

alter table licence_photo_codes add constraint licence_photo_codes_request
  foreign key (used_by_request_id) references licence_requests (id) on delete set null;

-- NEPH: YY MM département préfecture + a 4-digit order number within the month and département.
create table licence_neph_counters (
  prefix text primary key check (prefix ~ '^[0-9]{8}$'),
  last_order integer not null
);
