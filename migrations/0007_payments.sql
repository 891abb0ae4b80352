-- Card payments through a payment port. `payments` are the portal's attempts; the built-in
-- provider of the embedded mode keeps its own side in `simulated_provider_transactions`.

create table payments (
  id bigint generated always as identity primary key,
  reference text not null unique,            -- sent to the provider; never in a return URL
  idempotency_key text not null unique,      -- one per attempt: a double click reuses the attempt
  procedure_id bigint not null references vehicle_procedures (id) on delete cascade,
  account_id bigint not null references accounts (id) on delete cascade,
  amount_cents integer not null check (amount_cents > 0),
  status text not null check (status in ('created', 'started', 'submitted', 'success', 'failed', 'cancelled', 'error', 'expired')),
  provider text not null,
  provider_transaction_id text,
  failure_reason text,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index payments_procedure on payments (procedure_id, created_at desc);
-- A procedure is paid at most once, whatever arrives twice.
create unique index payments_one_success on payments (procedure_id) where status = 'success';

create table payment_notifications (
  id bigint generated always as identity primary key,
  reference text not null,
  payload text not null,
  signature_valid boolean not null,
  received_at timestamptz not null default now()
);

create table simulated_provider_transactions (
  id text primary key,
  reference text not null unique,
  amount_cents integer not null,
  status text not null check (status in ('pending', 'paid', 'declined', 'error', 'cancelled')),
  card_last4 text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

alter table issued_documents drop constraint issued_documents_kind_check;
alter table issued_documents add constraint issued_documents_kind_check check (kind in ('certificat_cession', 'csa', 'cpi'));
