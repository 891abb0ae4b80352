-- The directory of places (terms of use §1.2: automotive professionals habilitated for the SIV,
-- photographers and booths approved for the digital photo-signature, town halls with a fingerprint
-- scanner) and the contact requests to the agency (§1.15: an answer within 15 working days).

create table directory_places (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('automotive_professional', 'photographer', 'town_hall')),
  -- the identifier of the place in the list it was imported from (an import updates by it)
  external_id text not null,
  name text not null check (length(name) between 1 and 200),
  address_line text not null,
  postcode text not null check (postcode ~ '^[0-9]{5}$'),
  commune text not null,
  commune_code text not null,
  department text not null,
  latitude double precision not null check (latitude between -90 and 90),
  longitude double precision not null check (longitude between -180 and 180),
  phone text,
  opening_hours text,
  -- automotive professionals: listed only while this SIV habilitation is validated
  habilitation_number text,
  -- photographers: a booth (cabine) rather than a studio
  booth boolean not null default false,
  scanner_count integer check (scanner_count is null or scanner_count > 0),
  updated_at timestamptz not null default now(),
  unique (kind, external_id),
  check ((kind = 'automotive_professional') = (habilitation_number is not null))
);
-- searches take the places of one kind inside a box around a point
create index directory_places_position on directory_places (kind, latitude, longitude);
create index directory_places_habilitation on directory_places (habilitation_number) where habilitation_number is not null;

create table contact_requests (
  id bigint generated always as identity primary key,
  reference text not null unique,
  account_id bigint not null references accounts (id) on delete cascade,
  topic text not null check (topic in ('account', 'vehicle', 'licence', 'identity', 'other')),
  subject text not null check (length(subject) between 1 and 150),
  message text not null check (length(message) between 1 and 4000),
  -- the user's request this is about, checked to be theirs when written
  file_number text,
  status text not null check (status in ('open', 'answered')),
  received_at timestamptz not null default now(),
  -- the 15th working day after receipt (Paris calendar, French public holidays)
  due_on date not null,
  answer text check (answer is null or length(answer) between 1 and 4000),
  answered_by bigint references agents (id),
  answered_at timestamptz,
  -- a double click on "Envoyer" creates one request
  idempotency_key text not null,
  unique (account_id, idempotency_key),
  check ((status = 'answered') = (answer is not null and answered_at is not null))
);
create index contact_requests_queue on contact_requests (status, received_at);
create index contact_requests_account on contact_requests (account_id, received_at desc);
