-- A new confidential code asked by someone who has not proven being the holder (a stranger, an
-- uncertified account, someone acting for the holder) no longer kills the code the holder has: the
-- previous code stays valid until the new one is first used, 30 days at most (decision 0014).
alter table confidential_codes add column previous_code_hash text;
alter table confidential_codes add column previous_valid_until timestamptz;
