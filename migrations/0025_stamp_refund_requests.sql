-- Stamp refunds as the driving-licence FAQ describes them: within 18 months of purchase, asked with
-- the stamp's number and its transaction reference; for a stamp bought at a tobacconist, also its
-- amount, bank details in the buyer's name and a copy of an ID (or a Kbis); checked by an operator
-- ("transmise au service compétent qui fera les vérifications nécessaires"), then refunded to the
-- card (bought online) or by transfer (tobacconist). A stamp whose refund is asked can no longer be used.
alter table fiscal_stamps drop constraint if exists fiscal_stamps_status_check;
alter table fiscal_stamps add constraint fiscal_stamps_status_check check (status in ('available', 'used', 'refund_requested', 'refunded'));
-- the reference of the purchase, shown with the stamp and asked for its refund (existing stamps get one)
alter table fiscal_stamps add column transaction_ref text;
update fiscal_stamps set transaction_ref = upper(substr(md5(id::text || number_hash), 1, 12)) where transaction_ref is null;
alter table fiscal_stamps alter column transaction_ref set not null;

create table stamp_refund_requests (
  id bigint generated always as identity primary key,
  reference text not null unique,
  stamp_id bigint not null references fiscal_stamps (id),
  account_id bigint not null references accounts (id) on delete cascade,
  channel text not null check (channel in ('online', 'tobacconist')),
  -- tobacconist only: the bank account to credit (IBAN checked mod 97) and its holder
  iban text,
  account_holder text,
  status text not null default 'pending' check (status in ('pending', 'refunded', 'refused')),
  decision_note text,
  decided_by bigint references agents (id) on delete set null,
  decided_at timestamptz,
  idempotency_key text not null,
  created_at timestamptz not null default now(),
  unique (account_id, idempotency_key),
  check ((channel = 'tobacconist') = (iban is not null and account_holder is not null))
);
-- one refund under review per stamp
create unique index stamp_refund_one_pending on stamp_refund_requests (stamp_id) where status = 'pending';
create index stamp_refund_pending_queue on stamp_refund_requests (created_at, id) where status = 'pending';
create index stamp_refund_by_account on stamp_refund_requests (account_id, created_at desc);
