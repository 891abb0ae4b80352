-- Accounts of the six user profiles (terms of use §1.5), their tokens, FranceConnect identities,
-- connection history (§1.17 agreement on proof), sign-in throttling, agents, SIV habilitations, audit.

create table accounts (
  id bigint generated always as identity primary key,
  profile text not null check (profile in
    ('individual', 'automotive_professional', 'driving_school', 'road_safety_centre', 'town_hall', 'legal_entity')),
  email text not null check (email = lower(email)),
  password_hash text,
  status text not null check (status in ('pending_activation', 'active', 'suspended', 'deactivated')),
  certified boolean not null default false,
  given_name text,
  family_name text,
  organisation_name text,
  approval_number text,          -- numéro d'agrément (driving school, CSSR)
  siret text,
  commune text,                  -- town hall
  scanner_count integer check (scanner_count is null or scanner_count between 1 and 50),
  terms_version text,             -- null until the user ticks the box (accounts created by an agent)
  terms_sha256 text,
  terms_accepted_at timestamptz,
  created_at timestamptz not null default now(),
  activated_at timestamptz,
  suspended_until timestamptz,
  suspension_reason text,
  check (status = 'pending_activation' or terms_version is not null)
);
create unique index accounts_email on accounts (email);

create table account_tokens (
  token_hash text primary key,   -- sha256 of the 128-bit random token sent by email
  account_id bigint not null references accounts (id) on delete cascade,
  purpose text not null check (purpose in ('activation', 'password_reset', 'set_password', 'link_franceconnect')),
  payload jsonb,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
create index account_tokens_account on account_tokens (account_id, purpose);

create table franceconnect_identities (
  sub text primary key,          -- pairwise subject: the account key for FranceConnect users
  account_id bigint not null unique references accounts (id) on delete cascade,
  given_name text not null,
  family_name text not null,
  birthdate text not null,       -- may be presumed, e.g. 1992-11-00
  gender text not null,
  birthplace text not null,      -- empty when born abroad
  birthcountry text not null,
  email text not null,
  linked_at timestamptz not null default now(),
  last_login_at timestamptz
);

create table connection_history (
  id bigint generated always as identity primary key,
  account_id bigint not null references accounts (id) on delete cascade,
  at timestamptz not null default now(),
  ip text not null,
  method text not null check (method in ('password', 'franceconnect')),
  user_agent text
);
create index connection_history_account on connection_history (account_id, at desc);

-- Failed sign-ins per key ("account:<email>", "ip:<address>"): exponential backoff.
create table sign_in_throttle (
  key text primary key,
  failures integer not null default 0,
  locked_until timestamptz,
  last_failure_at timestamptz not null default now()
);

create table agents (
  id bigint generated always as identity primary key,
  email text not null unique check (email = lower(email)),
  display_name text not null,
  role text not null check (role in ('instruction_centre', 'licence_service', 'prefecture', 'operator')),
  scope text,                    -- a department code, or null for national scope
  password_hash text not null,
  status text not null default 'active' check (status in ('active', 'disabled')),
  created_at timestamptz not null default now()
);

-- SIV habilitations of automotive professionals: requested by the professional, decided by a prefecture.
create table siv_habilitations (
  id bigint generated always as identity primary key,
  company_name text not null,
  siret text not null,
  habilitation_number text not null,
  department text not null,
  contact_given_name text not null,
  contact_family_name text not null,
  email text not null check (email = lower(email)),
  status text not null check (status in ('requested', 'validated', 'refused', 'suspended', 'terminated')),
  account_id bigint references accounts (id) on delete set null,
  decided_by bigint references agents (id),
  decided_at timestamptz,
  decision_reason text,
  terms_version text not null,
  terms_sha256 text not null,
  terms_accepted_at timestamptz not null,
  created_at timestamptz not null default now()
);
create index siv_habilitations_status on siv_habilitations (status, department, created_at);

-- Who did what, when, from where. The back-office issue adds the hash chain.
create table audit_events (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  actor_kind text not null check (actor_kind in ('user', 'agent', 'system')),
  actor_id bigint,
  action text not null,
  subject_kind text,
  subject_id bigint,
  ip text,
  details jsonb not null default '{}'::jsonb
);
create index audit_events_subject on audit_events (subject_kind, subject_id, at);
