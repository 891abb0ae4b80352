-- Attachments (bytes in the file storage, facts here), the message threads between a user and
-- the agents about a request, and who each outgoing message was for (the user's notification page).

create table attachments (
  id bigint generated always as identity primary key,
  owner_kind text not null,                 -- 'vehicle_procedure', 'request_message', …
  owner_id bigint not null,
  account_id bigint references accounts (id) on delete cascade,  -- the uploading user (null: an agent)
  purpose text not null,                    -- what the piece is for, e.g. 'police_report'
  filename text not null,
  mime text not null check (mime in ('image/jpeg', 'image/png', 'image/bmp', 'image/tiff', 'application/pdf')),
  size_bytes integer not null check (size_bytes > 0 and size_bytes <= 11534336),
  sha256 text not null,
  storage_key text not null unique,
  review_status text not null default 'pending' check (review_status in ('pending', 'accepted', 'refused')),
  review_reason text,
  review_note text,
  reviewed_by bigint references agents (id),
  reviewed_at timestamptz,
  created_at timestamptz not null default now()
);
create index attachments_owner on attachments (owner_kind, owner_id, id);

create table request_messages (
  id bigint generated always as identity primary key,
  owner_kind text not null,
  owner_id bigint not null,
  author_kind text not null check (author_kind in ('user', 'agent')),
  author_account_id bigint references accounts (id) on delete cascade,
  author_agent_id bigint references agents (id),
  body text not null check (length(body) between 1 and 4000),
  read_at timestamptz,                      -- read by the other side
  created_at timestamptz not null default now(),
  check ((author_kind = 'user') = (author_account_id is not null))
);
create index request_messages_owner on request_messages (owner_kind, owner_id, id);

alter table outgoing_messages add column account_id bigint references accounts (id) on delete set null;
alter table outgoing_messages add column link text;
create index outgoing_messages_account on outgoing_messages (account_id, created_at desc) where account_id is not null;

-- A mobile number the user may give, for SMS notifications where a procedure sends them.
alter table accounts add column mobile_phone text;
