-- The complementary procedure (téléprocédure complémentaire, TPC): every request the other
-- procedures do not cover, sent with its pieces to the instruction centre. A first registration
-- in France has no vehicle in the registry yet: only a TPC may have no vehicle.

alter table vehicle_procedures alter column vehicle_id drop not null;
alter table vehicle_procedures drop constraint vehicle_procedures_kind_check;
alter table vehicle_procedures add constraint vehicle_procedures_kind_check
  check (kind in ('address_change', 'duplicate', 'sale_declaration', 'holder_change', 'complementary'));
alter table vehicle_procedures add constraint vehicle_procedures_vehicle_check
  check (kind = 'complementary' or vehicle_id is not null);
