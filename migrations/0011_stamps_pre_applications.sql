-- Electronic fiscal stamps (timbres fiscaux électroniques) and identity card / passport
-- pre-applications (pré-demandes) retrieved by town halls.

-- A stamp's 16-digit number is never stored: only its HMAC (key derived from the session secret)
-- and its last 4 digits for display. A stamp is consumed once by a procedure (conditional update).
create table fiscal_stamps (
  id bigint generated always as identity primary key,
  number_hash text not null unique,
  last4 text not null check (last4 ~ '^[0-9]{4}$'),
  amount_cents integer not null check (amount_cents > 0),
  -- the buyer (the demo shop sells to signed-in users); a stamp is not tied to a named person
  account_id bigint references accounts (id) on delete set null,
  -- a double click on "Acheter" buys one stamp
  idempotency_key text unique,
  purchased_at timestamptz not null default now(),
  status text not null default 'available' check (status in ('available', 'used', 'refunded')),
  used_at timestamptz,
  usage text,
  refunded_at timestamptz,
  refunded_by bigint references accounts (id) on delete set null
);
create index fiscal_stamps_account on fiscal_stamps (account_id, purchased_at desc);

-- A pré-demande: drafted in steps by a signed-in user, submitted (number, QR code, PDF), then
-- taken by exactly one town hall, which records the application number.
create table pre_applications (
  id bigint generated always as identity primary key,
  number text unique,                         -- set at submission
  account_id bigint not null references accounts (id) on delete cascade,
  document text not null check (document in ('identity_card', 'passport')),
  status text not null check (status in ('draft', 'submitted', 'taken')),
  -- the answers of each step (civil status, parents, address, description, reason…)
  data jsonb not null default '{}'::jsonb,
  step text not null default 'document',
  fee_cents integer not null default 0,
  stamp_id bigint references fiscal_stamps (id),
  stamp_last4 text,
  idempotency_key text not null unique,       -- starting a pre-application twice creates one
  submitted_at timestamptz,
  expires_at timestamptz,
  town_hall_account_id bigint references accounts (id) on delete set null,
  town_hall_name text,
  taken_at timestamptz,
  application_number text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index pre_applications_account on pre_applications (account_id, created_at desc);
