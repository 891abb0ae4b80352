-- Issue 14: nobody can take a vehicle that is not theirs.
--
-- One open procedure per vehicle and kind. A procedure "claims" its vehicle once possession is
-- proven (confidential code, FranceConnect identity of the holder, code de cession or the declared
-- buyer's identity); an unproven request (awaiting a code) claims nothing, so nobody can block a
-- holder by opening requests on their plate. The claim ends when the procedure is finished,
-- rejected or abandoned.
alter table vehicle_procedures add column claimed boolean not null default false;
create unique index vehicle_procedures_one_open on vehicle_procedures (vehicle_id, kind)
  where claimed and status in ('in_progress', 'awaiting_review', 'to_complete', 'awaiting_payment');

-- Letters to the holder are rationed per vehicle: a new confidential code at most once a month
-- (a second request within the month posts nothing and changes no code), and the warning after
-- the per-vehicle cap of wrong codes at most once a month too.
alter table confidential_codes
  add column code_letter_at timestamptz,
  add column cap_letter_at timestamptz;
