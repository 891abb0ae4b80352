-- Issue 16: an agent types a name as the user gives it (« Camille Martin », « MARTIN Camille »):
-- the holders' given names join their search text (migration 0029), after the names it already held,
-- so that every text found before is still found, and each typed word is matched on its own.

-- A holder's normalised names: birth, usage, company (as 0029), then the given names.
create function holder_search_key(birth_name text, usage_name text, company_name text, given_names text) returns text language sql immutable parallel safe as $$
  select search_key(coalesce(birth_name, '') || ' ' || coalesce(usage_name, '') || ' ' || coalesce(company_name, '') || ' ' || coalesce(given_names, ''))
$$;
-- A complementary request's part 2 holder: its given names too.
create or replace function request_search_names(holder_key text, kind text, data jsonb) returns text language sql immutable parallel safe as $$
  select coalesce(holder_key, '') || chr(31) || case when kind = 'complementary'
    then search_key(coalesce(data->'tpc'->'holder'->>'birth_name', '') || ' ' || coalesce(data->'tpc'->'holder'->>'company_name', '') || ' ' || coalesce(data->'tpc'->'holder'->>'given_names', ''))
    else '' end
$$;

create or replace function vehicle_procedures_search_fill() returns trigger language plpgsql as $$
begin
  new.search_names := request_search_names(
    (select holder_search_key(h.birth_name, h.usage_name, h.company_name, h.given_names) from vehicles v join vehicle_holders h on h.id = v.holder_id where v.id = new.vehicle_id),
    new.kind, new.data);
  new.search_email := (select search_key(a.email) from accounts a where a.id = new.account_id);
  new.search_plate := (select plate_key(v.plate) from vehicles v where v.id = new.vehicle_id);
  return new;
end
$$;

create or replace function vehicle_holders_search_refresh() returns trigger language plpgsql as $$
begin
  update vehicle_procedures p
     set search_names = request_search_names(holder_search_key(new.birth_name, new.usage_name, new.company_name, new.given_names), p.kind, p.data)
    from vehicles v
   where v.holder_id = new.id and p.vehicle_id = v.id;
  return null;
end
$$;
drop trigger vehicle_holders_search on vehicle_holders;
create trigger vehicle_holders_search after update of birth_name, usage_name, company_name, given_names on vehicle_holders
  for each row when (old.birth_name is distinct from new.birth_name or old.usage_name is distinct from new.usage_name
                     or old.company_name is distinct from new.company_name or old.given_names is distinct from new.given_names)
  execute function vehicle_holders_search_refresh();

create or replace function vehicles_search_refresh() returns trigger language plpgsql as $$
begin
  update vehicle_procedures p
     set search_names = request_search_names((select holder_search_key(h.birth_name, h.usage_name, h.company_name, h.given_names) from vehicle_holders h where h.id = new.holder_id), p.kind, p.data),
         search_plate = plate_key(new.plate)
   where p.vehicle_id = new.id;
  return null;
end
$$;

drop function holder_search_key(text, text, text);

update vehicle_procedures p set
  search_names = request_search_names(
    (select holder_search_key(h.birth_name, h.usage_name, h.company_name, h.given_names) from vehicles v join vehicle_holders h on h.id = v.holder_id where v.id = p.vehicle_id),
    p.kind, p.data);

analyze vehicle_procedures;
