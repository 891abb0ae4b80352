-- The vehicle registry (SIV) as the portal sees it, confidential codes, outgoing postal letters,
-- and the vehicle procedures (dossiers) users start from "Mon espace véhicule".

create table vehicle_holders (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('natural', 'legal')),
  birth_name text,                 -- natural person
  usage_name text,
  given_names text,
  birth_date date,
  birth_place text,
  company_name text,               -- legal person
  siren text,
  address_line1 text not null,     -- postal address (NF Z10-011 lines, 38 characters)
  address_line2 text,
  postcode text not null,
  commune text not null,
  country text not null default 'FRANCE',
  email text,
  account_id bigint references accounts (id) on delete set null,
  check ((kind = 'natural' and birth_name is not null and given_names is not null and birth_date is not null)
      or (kind = 'legal' and company_name is not null))
);
create index vehicle_holders_account on vehicle_holders (account_id) where account_id is not null;

create table vehicles (
  id bigint generated always as identity primary key,
  plate text not null unique,              -- normalised: AA-123-AA, or FNI "1234 AB 75"
  plate_kind text not null check (plate_kind in ('siv', 'fni')),
  vin text not null,
  certificate_number text,                 -- numéro de formule (SIV era only), e.g. 2017RV48832
  certificate_date date not null,          -- date of the current certificate (I)
  first_registration_date date not null,   -- B
  category text not null,                  -- J.1 (M1, N1, L3e…)
  fiscal_power integer not null check (fiscal_power between 1 and 200), -- P.6
  energy text not null,                    -- P.3 (ES, GO, EL, EE, GL…)
  holder_id bigint not null references vehicle_holders (id),
  long_term_lease boolean not null default false,
  previous_title_address text,             -- where the previous title was shipped (LLD)
  address_changes_since_siv integer not null default 0,
  sold_at timestamptz,                     -- set by a declaration of sale
  created_at timestamptz not null default now()
);
create index vehicles_holder on vehicles (holder_id);

create table vehicle_co_holders (
  vehicle_id bigint not null references vehicles (id) on delete cascade,
  holder_id bigint not null references vehicle_holders (id),
  primary key (vehicle_id, holder_id)
);

-- Gages (do not block a sale) and oppositions (OTCI: block the transfer).
create table vehicle_encumbrances (
  id bigint generated always as identity primary key,
  vehicle_id bigint not null references vehicles (id) on delete cascade,
  kind text not null check (kind in ('gage', 'otci_judiciaire', 'otci_huissier', 'otci_tresor', 'otci_vei')),
  registered_at date not null,
  lifted_at date
);
create index vehicle_encumbrances_vehicle on vehicle_encumbrances (vehicle_id);

-- The 5-digit confidential code of a vehicle's current certificate, keyed-hashed; wrong entries lock it.
create table confidential_codes (
  vehicle_id bigint primary key references vehicles (id) on delete cascade,
  certificate_number text,
  code_hash text not null,
  issued_at timestamptz not null default now(),
  failed_attempts integer not null default 0,
  locked_until timestamptz
);

-- Postal letters: queued, produced as a PDF by a job, recorded as sent (readable in the dev outbox).
create table postal_letters (
  id bigint generated always as identity primary key,
  recipient_lines jsonb not null,          -- the address block, up to 6 lines of 38 characters
  subject text not null,
  body text not null,
  pdf bytea,
  status text not null default 'queued' check (status in ('queued', 'sent')),
  vehicle_id bigint references vehicles (id) on delete set null,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);

create table vehicle_procedures (
  id bigint generated always as identity primary key,
  file_number text not null unique,
  account_id bigint not null references accounts (id) on delete cascade,
  kind text not null check (kind in ('address_change', 'duplicate', 'sale_declaration', 'holder_change')),
  initiator text not null check (initiator in ('self', 'other')),
  vehicle_id bigint not null references vehicles (id),
  status text not null check (status in ('awaiting_code', 'in_progress', 'awaiting_payment', 'completed', 'cancelled')),
  code_verified boolean not null default false,
  data jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index vehicle_procedures_account on vehicle_procedures (account_id, updated_at desc);
