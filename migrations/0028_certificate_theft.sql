-- The theft of a vehicle's registration certificate as the SIV records it (training slides, duplicate:
-- "son vol n'est pas encore enregistré dans la base SIV"). Set from the police's declaration (demo
-- data, the CSV import's `certificate_theft` column); a duplicate after a theft already recorded here
-- skips the instruction centre's check of the police report.
alter table vehicles add column certificate_theft_recorded_on date;
