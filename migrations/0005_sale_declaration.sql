-- Declaration of sale: the code de cession (shown once to the seller, used once by the buyer within
-- 15 days) and the documents the portal issues, each with a token for its public verification page.

create table cession_codes (
  id bigint generated always as identity primary key,
  vehicle_id bigint not null references vehicles (id),
  procedure_id bigint not null references vehicle_procedures (id),
  code_hash text not null unique,          -- keyed HMAC of the code; the code itself is never stored
  expires_at timestamptz not null,
  used_at timestamptz,
  used_by_procedure_id bigint references vehicle_procedures (id),
  created_at timestamptz not null default now()
);
create index cession_codes_vehicle on cession_codes (vehicle_id);

create table issued_documents (
  token text primary key,                  -- 128-bit random, printed as a QR code on the PDF
  kind text not null check (kind in ('certificat_cession', 'csa')),
  procedure_id bigint not null references vehicle_procedures (id) on delete cascade,
  plate text not null,
  content jsonb not null,                  -- what the PDF shows, to render it again identically
  issued_at timestamptz not null default now()
);
create index issued_documents_procedure on issued_documents (procedure_id);
