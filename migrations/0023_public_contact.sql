-- Issue 18: the contact form without an account (terms of use §1.2, §1.5: town halls ask for their
-- account through it). A request is either an account's (as before) or a sender's name and email;
-- it may name any of the account's requests (vehicle, licence, pre-application); town halls have
-- their own topic.
alter table contact_requests alter column account_id drop not null;
alter table contact_requests add column sender_name text check (sender_name is null or length(sender_name) between 1 and 100);
alter table contact_requests add column sender_email text check (sender_email is null or length(sender_email) between 3 and 254);
alter table contact_requests add column sender_ip text;
alter table contact_requests add column file_kind text check (file_kind in ('vehicle', 'licence', 'identity'));
alter table contact_requests add constraint contact_requests_sender check (account_id is not null or (sender_name is not null and sender_email is not null));
-- until now only vehicle procedures could be named
update contact_requests set file_kind = 'vehicle' where file_number is not null;
alter table contact_requests add constraint contact_requests_file_kind check ((file_number is null) = (file_kind is null));
alter table contact_requests drop constraint contact_requests_topic_check;
alter table contact_requests add constraint contact_requests_topic_check check (topic in ('account', 'vehicle', 'licence', 'identity', 'town_hall', 'other'));
-- a double click without an account creates one request too
create unique index contact_requests_public_key on contact_requests (idempotency_key) where account_id is null;
