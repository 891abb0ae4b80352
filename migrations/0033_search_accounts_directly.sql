-- Issue 20 (task 8-E): the agents' search finds the filing account in the accounts table itself.
--
-- Migrations 0029 and 0032 copied the account's email (search_email) and names (the third part of
-- search_names) into each of its requests, so that renaming a garage with 25,000 requests rewrote
-- 25,000 rows in its transaction (8–11 s at 1 M requests under load, each row locked until the
-- commit), and an email searched at 1 M requests read trigram lists a million entries long
-- (80 ms a search). The account's names and email are now searched on the accounts, through their
-- own trigram indexes, and the requests of the few matching accounts found through
-- (account_id, status, submitted_at, id) (src/domains/instruction/vehicle-queue.ts): a rename or a
-- new email writes one row.
--
--   search_names  the registry holder's names chr(31) a complementary request's part 2 holder (0030's shape)

-- (account_search_key's body, written out: PostgreSQL 17, PGlite's, builds an index with a search_path
-- of pg_catalog only, where a function calling search_key would not find it; the planner inlines both
-- to the same expression, so a search written with account_search_key uses this index)
create index accounts_search_names on accounts using gin (search_key(coalesce(family_name, '') || ' ' || coalesce(organisation_name, '') || ' ' || coalesce(given_name, '')) gin_trgm_ops);
create index accounts_search_email on accounts using gin (search_key(email) gin_trgm_ops);
-- an account's waiting requests in the queue's order: its first page read without reading the others
create index vehicle_procedures_account_queue on vehicle_procedures (account_id, status, submitted_at, id) where submitted_at is not null;

-- Nothing is copied from the accounts any more.
drop trigger accounts_search on accounts;
drop function accounts_search_refresh();

-- A request's names: its vehicle's holder, and for a complementary request the holder its part 2 names.
create function request_search_names(holder_key text, kind text, data jsonb) returns text language sql immutable parallel safe as $$
  select coalesce(holder_key, '') || chr(31) || case when kind = 'complementary'
    then search_key(coalesce(data->'tpc'->'holder'->>'birth_name', '') || ' ' || coalesce(data->'tpc'->'holder'->>'company_name', '') || ' ' || coalesce(data->'tpc'->'holder'->>'given_names', ''))
    else '' end
$$;

create or replace function vehicle_procedures_search_fill() returns trigger language plpgsql as $$
begin
  new.search_names := request_search_names(
    (select holder_search_key(h.birth_name, h.usage_name, h.company_name, h.given_names) from vehicles v join vehicle_holders h on h.id = v.holder_id where v.id = new.vehicle_id),
    new.kind, new.data);
  new.search_plate := (select plate_key(v.plate) from vehicles v where v.id = new.vehicle_id);
  return new;
end
$$;
drop trigger vehicle_procedures_search on vehicle_procedures;
create trigger vehicle_procedures_search before insert or update of vehicle_id, kind, data on vehicle_procedures
  for each row execute function vehicle_procedures_search_fill();

create or replace function vehicle_holders_search_refresh() returns trigger language plpgsql as $$
begin
  update vehicle_procedures p
     set search_names = request_search_names(holder_search_key(new.birth_name, new.usage_name, new.company_name, new.given_names), p.kind, p.data)
    from vehicles v
   where v.holder_id = new.id and p.vehicle_id = v.id;
  return null;
end
$$;

create or replace function vehicles_search_refresh() returns trigger language plpgsql as $$
begin
  update vehicle_procedures p
     set search_names = request_search_names((select holder_search_key(h.birth_name, h.usage_name, h.company_name, h.given_names) from vehicle_holders h where h.id = new.holder_id), p.kind, p.data),
         search_plate = plate_key(new.plate)
   where p.vehicle_id = new.id;
  return null;
end
$$;

drop function request_search_names(text, text, jsonb, text);

-- the email's copy and its index (dropping a column rewrites nothing)
alter table vehicle_procedures drop column search_email;

-- Existing requests lose the filer's part (everything after the second chr(31)); the trigram index
-- is rebuilt once afterwards rather than maintained row by row.
drop index vehicle_procedures_search_names;
update vehicle_procedures
   set search_names = array_to_string((string_to_array(search_names, chr(31)))[1:2], chr(31))
 where search_names is not null;
create index vehicle_procedures_search_names on vehicle_procedures using gin (search_names gin_trgm_ops) where submitted_at is not null;

-- The planner chooses between the queue's order and these indexes from their statistics. Without the
-- filer's part, a common surname is in ~0.4 % of search_names: a histogram of 100 values mostly holds
-- none of it (« martin » estimated at 65 rows for 4,170 at 1 M requests, and read through the index
-- and sorted instead of walking the queue); 1,000 values see it (4,245 estimated).
alter table vehicle_procedures alter column search_names set statistics 1000;
analyze accounts;
analyze vehicle_procedures;
