-- Issue 20 (task 7-D): an agent searches a request by the name of the person who filed it.
--
-- Camille Martin files for another holder: « Martin » found nothing, since search_names (migrations
-- 0029, 0030) held only the holders' names. It now has a third part, the filing account's names
-- (family name, organisation, given name), after a second chr(31):
--
--   search_names  registry holder chr(31) complementary request's part 2 holder chr(31) filing account
--
-- Served by the same trigram index; a name typed in several words must still meet in one part
-- (src/domains/instruction/vehicle-queue.ts), so « Camille Martin » never matches a holder named
-- Camille filed by someone named Martin. Kept true by the request's trigger and by the account's
-- (a change of name, as a change of email already was).

-- An account's normalised names, in the order of a holder's: names first, given name last.
create function account_search_key(family_name text, given_name text, organisation_name text) returns text language sql immutable parallel safe as $$
  select search_key(coalesce(family_name, '') || ' ' || coalesce(organisation_name, '') || ' ' || coalesce(given_name, ''))
$$;

-- A request's names: its vehicle's holder, a complementary request's part 2 holder, the filing account.
create function request_search_names(holder_key text, kind text, data jsonb, filer_key text) returns text language sql immutable parallel safe as $$
  select coalesce(holder_key, '') || chr(31) || case when kind = 'complementary'
    then search_key(coalesce(data->'tpc'->'holder'->>'birth_name', '') || ' ' || coalesce(data->'tpc'->'holder'->>'company_name', '') || ' ' || coalesce(data->'tpc'->'holder'->>'given_names', ''))
    else '' end || chr(31) || coalesce(filer_key, '')
$$;

-- A request written: its holder's names and its account's, in one lookup of the account.
create or replace function vehicle_procedures_search_fill() returns trigger language plpgsql as $$
declare
  filer text;
begin
  select search_key(a.email), account_search_key(a.family_name, a.given_name, a.organisation_name) into new.search_email, filer
    from accounts a where a.id = new.account_id;
  new.search_names := request_search_names(
    (select holder_search_key(h.birth_name, h.usage_name, h.company_name, h.given_names) from vehicles v join vehicle_holders h on h.id = v.holder_id where v.id = new.vehicle_id),
    new.kind, new.data, filer);
  new.search_plate := (select plate_key(v.plate) from vehicles v where v.id = new.vehicle_id);
  return new;
end
$$;

-- A holder renamed: the requests on the vehicles it holds (each keeps its own filer).
create or replace function vehicle_holders_search_refresh() returns trigger language plpgsql as $$
begin
  update vehicle_procedures p
     set search_names = request_search_names(holder_search_key(new.birth_name, new.usage_name, new.company_name, new.given_names), p.kind, p.data,
                                             account_search_key(a.family_name, a.given_name, a.organisation_name))
    from vehicles v, accounts a
   where v.holder_id = new.id and p.vehicle_id = v.id and a.id = p.account_id;
  return null;
end
$$;

-- A vehicle with a new holder or plate: its requests.
create or replace function vehicles_search_refresh() returns trigger language plpgsql as $$
begin
  update vehicle_procedures p
     set search_names = request_search_names((select holder_search_key(h.birth_name, h.usage_name, h.company_name, h.given_names) from vehicle_holders h where h.id = new.holder_id), p.kind, p.data,
                                             account_search_key(a.family_name, a.given_name, a.organisation_name)),
         search_plate = plate_key(new.plate)
    from accounts a
   where p.vehicle_id = new.id and a.id = p.account_id;
  return null;
end
$$;

-- An account's email or names changed: its requests (the names only when they changed).
create or replace function accounts_search_refresh() returns trigger language plpgsql as $$
begin
  if old.email is distinct from new.email then
    update vehicle_procedures set search_email = search_key(new.email) where account_id = new.id;
  end if;
  if old.family_name is distinct from new.family_name or old.given_name is distinct from new.given_name or old.organisation_name is distinct from new.organisation_name then
    update vehicle_procedures p
       set search_names = request_search_names(
             (select holder_search_key(h.birth_name, h.usage_name, h.company_name, h.given_names) from vehicles v join vehicle_holders h on h.id = v.holder_id where v.id = p.vehicle_id),
             p.kind, p.data, account_search_key(new.family_name, new.given_name, new.organisation_name))
     where p.account_id = new.id;
  end if;
  return null;
end
$$;
drop trigger accounts_search on accounts;
create trigger accounts_search after update of email, family_name, given_name, organisation_name on accounts
  for each row when (old.email is distinct from new.email or old.family_name is distinct from new.family_name
                     or old.given_name is distinct from new.given_name or old.organisation_name is distinct from new.organisation_name)
  execute function accounts_search_refresh();

drop function request_search_names(text, text, jsonb);

-- Existing requests: every row holds the two parts of 0029/0030 (its trigger fills each new one),
-- so the filer's part is appended, one join with the accounts; the trigram index is rebuilt once
-- afterwards rather than maintained row by row.
drop index vehicle_procedures_search_names;
update vehicle_procedures p
   set search_names = coalesce(p.search_names, chr(31)) || chr(31) || account_search_key(a.family_name, a.given_name, a.organisation_name)
  from accounts a
 where a.id = p.account_id;
create index vehicle_procedures_search_names on vehicle_procedures using gin (search_names gin_trgm_ops) where submitted_at is not null;

analyze vehicle_procedures;
