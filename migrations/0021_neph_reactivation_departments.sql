-- NEPH reactivation (driving-licence FAQ): "Si le département est référencé, il convient de réaliser
-- cette démarche sur le site démarches-simplifiées ; dans le cas contraire, il faut se rapprocher du
-- bureau d'éducation routière (DDT)". The départements referenced on démarches-simplifiées change
-- over time: the licence service keeps this list in the back office.
create table neph_referenced_departments (
  department text primary key check (department ~ '^[0-9][0-9AB][0-9]?$'),
  added_at timestamptz not null default now(),
  added_by bigint references agents (id) on delete set null
);
