-- Issue 16, "nothing typed is lost": a form posted after the session expired is refused (CSRF) but
-- its typed values are kept here, bound to the account the expired session belonged to, and put
-- back in the same form once that account signs in again (shown once, then deleted).
create table form_drafts (
  id bigint generated always as identity primary key,
  user_id bigint not null references accounts (id) on delete cascade,
  path text not null,                       -- the page the form was on (same origin, no query)
  field_values jsonb not null,              -- text fields only: never a password, a code, a token, a file
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index form_drafts_user_path on form_drafts (user_id, path);
create index form_drafts_expires_at on form_drafts (expires_at);
