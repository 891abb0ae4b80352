-- The end of the portal (terms of use §1.11.2): at most one announced closure; accounts are notified
-- by email (jobs with the dedupe key 'closure-notice:<account id>') and deleted after its date.
create table service_closures (
  id bigint generated always as identity primary key,
  ends_at timestamptz not null,
  announced_at timestamptz not null,
  announced_by text not null,
  accounts_deleted_at timestamptz
);
create unique index service_closures_at_most_one on service_closures ((true));
