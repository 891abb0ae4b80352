-- Issue 16, "Mes démarches": one dashboard lists every request of an account, newest activity
-- first, by keyset pages (a company may hold tens of thousands). Vehicle procedures already have
-- (account_id, updated_at desc) and contact requests (account_id, received_at desc); these two
-- give licence requests and pre-applications the same walk, id breaking ties.
create index licence_requests_account_updated on licence_requests (account_id, updated_at desc, id desc);
create index pre_applications_account_updated on pre_applications (account_id, updated_at desc, id desc);
