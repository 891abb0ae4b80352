-- Issue 15 (payments): one open attempt per procedure, a second charge kept as "to refund" for the
-- operators, and a bounded count of invalid provider notifications (decision 0016).

-- A charge the portal cannot use (the procedure was already paid, or no longer awaits payment) is never lost: the attempt ends
-- in `to_refund`, then `refunded` once an operator has refunded it.
alter table payments drop constraint payments_status_check;
alter table payments add constraint payments_status_check
  check (status in ('created', 'started', 'submitted', 'success', 'failed', 'cancelled', 'error', 'expired', 'to_refund', 'refunded'));

-- Attempts left open by the code before this migration: keep the latest per procedure open.
update payments p set status = 'expired', updated_at = now()
where p.status in ('created', 'started', 'submitted')
  and exists (select 1 from payments q where q.procedure_id = p.procedure_id and q.status in ('created', 'started', 'submitted') and q.id > p.id);

-- One open attempt per procedure: a second tab resumes it instead of opening a second charge.
create unique index payments_one_open on payments (procedure_id) where status in ('created', 'started', 'submitted');

-- What the operators work from: one row per charge to refund, and who refunded it.
create table payment_refunds (
  payment_id bigint primary key references payments (id) on delete cascade,
  procedure_id bigint not null references vehicle_procedures (id) on delete cascade,
  amount_cents integer not null check (amount_cents > 0),
  reason text not null check (reason in ('already_paid', 'not_payable')), -- paid by another attempt; no longer awaiting payment
  detected_at timestamptz not null default now(),
  refunded_at timestamptz,
  refunded_by bigint references agents (id) on delete set null
);
create index payment_refunds_open on payment_refunds (detected_at) where refunded_at is null;

-- Invalid notifications are not stored: only a count per address and window, to refuse floods.
create table payment_notification_limits (
  ip text primary key,
  window_start timestamptz not null,
  invalid integer not null
);
