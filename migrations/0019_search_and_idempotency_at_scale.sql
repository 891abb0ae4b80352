-- Issue 20: the back office's search at a million vehicles, and idempotency by index.
--
-- Search: an exact plate or file number resolves through a b-tree; names and emails through
-- trigram (pg_trgm) GIN indexes on a normalised form (lower case, no accents) — the search
-- finds the few matching holders, accounts or complementary requests first and joins after.
create extension if not exists pg_trgm;

-- Lower case without French accents (immutable: usable in indexes; the same function normalises
-- what the agent types, so both sides always agree).
create function search_key(value text) returns text language sql immutable parallel safe as $$
  select replace(replace(translate(lower(value), 'àáâãäåçèéêëìíîïñòóôõöùúûüýÿ', 'aaaaaaceeeeiiiinooooouuuuyy'), 'œ', 'oe'), 'æ', 'ae')
$$;
-- A plate without its separators: "AB-123-CD", "ab 123 cd" and "AB123CD" are the same plate.
create function plate_key(plate text) returns text language sql immutable parallel safe as $$
  select regexp_replace(upper(plate), '[^A-Z0-9]', '', 'g')
$$;

create index vehicles_plate_search on vehicles (plate_key(plate)); -- (vehicles_plate_key is the unique constraint)
create index vehicle_procedures_vehicle on vehicle_procedures (vehicle_id);
create index vehicle_holders_name_search on vehicle_holders
  using gin (search_key(coalesce(birth_name, '') || ' ' || coalesce(usage_name, '') || ' ' || coalesce(company_name, '')) gin_trgm_ops);
create index accounts_email_search on accounts using gin (search_key(email) gin_trgm_ops);
-- a complementary request may concern a vehicle outside the registry: its part 2 names the holder
create index vehicle_procedures_tpc_holder_search on vehicle_procedures
  using gin (search_key(coalesce(data->'tpc'->'holder'->>'birth_name', '') || ' ' || coalesce(data->'tpc'->'holder'->>'company_name', '')) gin_trgm_ops)
  where kind = 'complementary';

-- Idempotency of "Ajouter une demande": a unique key per account instead of scanning the
-- account's requests' JSON (21 ms for a company with 25,000 requests). Keys already stored in the
-- JSON move to the column (the first request of a duplicated key keeps it).
alter table vehicle_procedures add column idempotency_key text;
update vehicle_procedures vp set idempotency_key = k.key
  from (select id, data->>'idempotencyKey' as key,
               row_number() over (partition by account_id, data->>'idempotencyKey' order by id) as n
          from vehicle_procedures where data->>'idempotencyKey' is not null) k
 where k.id = vp.id and k.n = 1;
create unique index vehicle_procedures_idempotency on vehicle_procedures (account_id, idempotency_key);
