-- Issue 15: the throttle records an attempt and returns its verdict in one statement
-- (src/domains/accounts/throttle.ts). Each row keeps the policy it was counted with, whether the
-- last attempt was admitted, how many attempts a lock refused, and when its alert was last sent.
alter table sign_in_throttle
  add column free integer,
  add column max_lock_minutes integer not null default 60,
  add column admitted boolean not null default true,
  add column refused integer not null default 0,
  add column alerted_at timestamptz;

comment on column sign_in_throttle.failures is 'attempts admitted and not refunded (an attempt counts as a failure until it succeeds)';
comment on column sign_in_throttle.free is 'failures allowed before the first lock; null: the key never locks (watch only)';

-- Keys of the old scheme that locked a whole account (account:<email>, agent:<email>): the new
-- keys pair the account with the address, these would only linger until the daily purge.
delete from sign_in_throttle where key ~ '^(account|agent):[^|]*$';
