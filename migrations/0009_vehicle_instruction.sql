-- The instruction centre's side of vehicle procedures: requests put on hold for a check
-- ("mise en attente pour contrôle du CERT"), sent back to the user ("à compléter") or rejected;
-- the queue's facts (when submitted, which department, which agent took it); the summary
-- (récapitulatif) as an issued document; certificates invalidated by a duplicate.

alter table vehicle_procedures drop constraint vehicle_procedures_status_check;
alter table vehicle_procedures add constraint vehicle_procedures_status_check
  check (status in ('awaiting_code', 'in_progress', 'awaiting_review', 'to_complete', 'awaiting_payment', 'completed', 'rejected', 'cancelled'));

alter table vehicle_procedures add column submitted_at timestamptz;      -- last sent to the instruction centre
alter table vehicle_procedures add column department text;               -- the holder's, for agents' scopes
alter table vehicle_procedures add column assigned_agent_id bigint references agents (id);
alter table vehicle_procedures add column assigned_at timestamptz;
alter table vehicle_procedures add column decision_note text;            -- what the centre told the user last
-- The queue: oldest first within a status, keyset-paginated on (submitted_at, id).
create index vehicle_procedures_queue on vehicle_procedures (status, submitted_at, id) where submitted_at is not null;

alter table issued_documents drop constraint issued_documents_kind_check;
alter table issued_documents add constraint issued_documents_kind_check check (kind in ('certificat_cession', 'csa', 'cpi', 'recapitulatif'));

create table invalidated_certificates (
  certificate_number text primary key,
  vehicle_id bigint not null references vehicles (id),
  reason text not null check (reason in ('loss', 'theft', 'damage', 'replaced')),
  procedure_id bigint references vehicle_procedures (id) on delete set null,
  invalidated_at timestamptz not null default now()
);
create index invalidated_certificates_vehicle on invalidated_certificates (vehicle_id);
