-- Issue 20: the back office's search reads one row per request.
--
-- Migration 0019 found a name through the holders' trigram index, then walked to their vehicles
-- and requests: one lookup per matching holder (a common surname, thousands of them, took seconds
-- at a million vehicles). The request now carries the normalised text it is searched by, kept true
-- by triggers on every table it comes from (requests, holders, vehicles, accounts), with trigram
-- and b-tree indexes on the submitted requests: a search is an index scan of the requests alone.
--
--   search_names  the registry holder's names (birth, usage, company, as 0019 joined them), then
--                 chr(31), then a complementary request's part 2 holder (birth, company): a typed
--                 text (never containing chr(31)) matches one side or the other, never across
--   search_email  the account's email, normalised
--   search_plate  the vehicle's plate, letters and digits only (plate_key)

-- The normalised names of a holder (the expression of 0019's index on vehicle_holders).
create function holder_search_key(birth_name text, usage_name text, company_name text) returns text language sql immutable parallel safe as $$
  select search_key(coalesce(birth_name, '') || ' ' || coalesce(usage_name, '') || ' ' || coalesce(company_name, ''))
$$;
-- A request's names: its vehicle's holder (null: none), and for a complementary request the holder its part 2 names.
create function request_search_names(holder_key text, kind text, data jsonb) returns text language sql immutable parallel safe as $$
  select coalesce(holder_key, '') || chr(31) || case when kind = 'complementary'
    then search_key(coalesce(data->'tpc'->'holder'->>'birth_name', '') || ' ' || coalesce(data->'tpc'->'holder'->>'company_name', ''))
    else '' end
$$;

alter table vehicle_procedures add column search_names text, add column search_email text, add column search_plate text;

update vehicle_procedures p set
  search_names = request_search_names(
    (select holder_search_key(h.birth_name, h.usage_name, h.company_name) from vehicles v join vehicle_holders h on h.id = v.holder_id where v.id = p.vehicle_id),
    p.kind, p.data),
  search_email = (select search_key(a.email) from accounts a where a.id = p.account_id),
  search_plate = (select plate_key(v.plate) from vehicles v where v.id = p.vehicle_id);

-- A request written: its search text from its vehicle, holder and account.
create function vehicle_procedures_search_fill() returns trigger language plpgsql as $$
begin
  new.search_names := request_search_names(
    (select holder_search_key(h.birth_name, h.usage_name, h.company_name) from vehicles v join vehicle_holders h on h.id = v.holder_id where v.id = new.vehicle_id),
    new.kind, new.data);
  new.search_email := (select search_key(a.email) from accounts a where a.id = new.account_id);
  new.search_plate := (select plate_key(v.plate) from vehicles v where v.id = new.vehicle_id);
  return new;
end
$$;
create trigger vehicle_procedures_search before insert or update of vehicle_id, account_id, kind, data on vehicle_procedures
  for each row execute function vehicle_procedures_search_fill();

-- A holder renamed: the requests on the vehicles it holds.
create function vehicle_holders_search_refresh() returns trigger language plpgsql as $$
begin
  update vehicle_procedures p
     set search_names = request_search_names(holder_search_key(new.birth_name, new.usage_name, new.company_name), p.kind, p.data)
    from vehicles v
   where v.holder_id = new.id and p.vehicle_id = v.id;
  return null;
end
$$;
create trigger vehicle_holders_search after update of birth_name, usage_name, company_name on vehicle_holders
  for each row when (old.birth_name is distinct from new.birth_name or old.usage_name is distinct from new.usage_name or old.company_name is distinct from new.company_name)
  execute function vehicle_holders_search_refresh();

-- A vehicle with a new holder or plate: its requests.
create function vehicles_search_refresh() returns trigger language plpgsql as $$
begin
  update vehicle_procedures p
     set search_names = request_search_names((select holder_search_key(h.birth_name, h.usage_name, h.company_name) from vehicle_holders h where h.id = new.holder_id), p.kind, p.data),
         search_plate = plate_key(new.plate)
   where p.vehicle_id = new.id;
  return null;
end
$$;
create trigger vehicles_search after update of holder_id, plate on vehicles
  for each row when (old.holder_id is distinct from new.holder_id or old.plate is distinct from new.plate)
  execute function vehicles_search_refresh();

-- An account's email changed (or anonymised when the account is deleted): its requests.
create function accounts_search_refresh() returns trigger language plpgsql as $$
begin
  update vehicle_procedures set search_email = search_key(new.email) where account_id = new.id;
  return null;
end
$$;
create trigger accounts_search after update of email on accounts
  for each row when (old.email is distinct from new.email)
  execute function accounts_search_refresh();

-- Only submitted requests are searched (the queues' condition): drafts stay out of the indexes.
create index vehicle_procedures_search_names on vehicle_procedures using gin (search_names gin_trgm_ops) where submitted_at is not null;
create index vehicle_procedures_search_email on vehicle_procedures using gin (search_email gin_trgm_ops) where submitted_at is not null;
create index vehicle_procedures_search_plate on vehicle_procedures (search_plate) where submitted_at is not null;

-- 0019's indexes on the source tables served only the search: they would now cost every write for nothing.
drop index vehicle_holders_name_search;
drop index accounts_email_search;
drop index vehicle_procedures_tpc_holder_search;
drop index vehicles_plate_search;

-- the planner needs the new columns' statistics to choose between the queue's order and these indexes
analyze vehicle_procedures;
