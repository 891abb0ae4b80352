-- Carte-grise taxes (CIBS) as data with effective dates (french-rules.md §2). Every value marked
-- verified = false comes from secondary sources and must be checked against Légifrance and the
-- official simulator before go-live.

create table tax_rates (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('regional_per_cv', 'regional_ev_reduction', 'transport', 'fixed', 'delivery')),
  key text not null,                 -- region code, weight class, or '' for single values
  effective_from date not null,
  amount_cents integer not null,     -- cents; for regional_ev_reduction: a percentage (0–100)
  verified boolean not null default false,
  source text not null,
  updated_by text not null default 'migration',
  updated_at timestamptz not null default now(),
  unique (kind, key, effective_from)
);

create table regions (
  code text primary key,
  name text not null
);

insert into regions (code, name) values
  ('ARA', 'Auvergne-Rhône-Alpes'), ('BFC', 'Bourgogne-Franche-Comté'), ('BRE', 'Bretagne'), ('CVL', 'Centre-Val de Loire'),
  ('COR', 'Corse'), ('GES', 'Grand Est'), ('HDF', 'Hauts-de-France'), ('IDF', 'Île-de-France'), ('NOR', 'Normandie'),
  ('NAQ', 'Nouvelle-Aquitaine'), ('OCC', 'Occitanie'), ('PDL', 'Pays de la Loire'), ('PAC', 'Provence-Alpes-Côte d’Azur'),
  ('GUA', 'Guadeloupe'), ('GUF', 'Guyane'), ('MTQ', 'Martinique'), ('MAY', 'Mayotte'), ('REU', 'La Réunion');

-- Regional rate per fiscal horsepower, in cents (french-rules.md §2.3, all [2°]).
insert into tax_rates (kind, key, effective_from, amount_cents, source) values
  ('regional_per_cv', 'ARA', '2024-01-01', 4300, '2° beincrypto1.de, le-meridien.fr'),
  ('regional_per_cv', 'BFC', '2024-01-01', 5500, '2°'), ('regional_per_cv', 'BFC', '2026-01-01', 6000, '2° (date of the 2025 change unknown)'),
  ('regional_per_cv', 'BRE', '2024-01-01', 5500, '2°'), ('regional_per_cv', 'BRE', '2025-02-01', 6000, '2°'),
  ('regional_per_cv', 'CVL', '2024-01-01', 5500, '2°'), ('regional_per_cv', 'CVL', '2025-01-01', 6000, '2°'),
  ('regional_per_cv', 'COR', '2024-01-01', 2700, '2°'), ('regional_per_cv', 'COR', '2025-01-01', 4300, '2°'), ('regional_per_cv', 'COR', '2026-01-01', 5300, '2°'),
  ('regional_per_cv', 'GES', '2024-01-01', 4800, '2°'), ('regional_per_cv', 'GES', '2025-02-01', 6000, '2°'),
  ('regional_per_cv', 'HDF', '2024-01-01', 3620, '2°'), ('regional_per_cv', 'HDF', '2026-01-01', 4200, '2°'), ('regional_per_cv', 'HDF', '2026-04-01', 4300, '2°'),
  ('regional_per_cv', 'IDF', '2024-01-01', 5495, '2° (IDFM surcharge from 2026-03-01 not applied: per CV or flat is unverified)'),
  ('regional_per_cv', 'NOR', '2024-01-01', 4600, '2°'), ('regional_per_cv', 'NOR', '2025-01-01', 6000, '2°'),
  ('regional_per_cv', 'NAQ', '2024-01-01', 4500, '2°'), ('regional_per_cv', 'NAQ', '2025-01-01', 5300, '2°'),
  ('regional_per_cv', 'OCC', '2024-01-01', 5400, '2°'), ('regional_per_cv', 'OCC', '2025-01-01', 5450, '2°'), ('regional_per_cv', 'OCC', '2026-01-01', 5950, '2°'),
  ('regional_per_cv', 'PDL', '2024-01-01', 5100, '2° (2026 value unknown)'),
  ('regional_per_cv', 'PAC', '2024-01-01', 5120, '2°'), ('regional_per_cv', 'PAC', '2025-01-01', 5900, '2°'), ('regional_per_cv', 'PAC', '2026-01-01', 6000, '2°'),
  ('regional_per_cv', 'GUA', '2024-01-01', 4100, '2°'),
  ('regional_per_cv', 'GUF', '2024-01-01', 4250, '2°'),
  ('regional_per_cv', 'MTQ', '2024-01-01', 3000, '2° (2026 unknown)'),
  ('regional_per_cv', 'MAY', '2024-01-01', 3000, '2° (2026 unknown)'),
  ('regional_per_cv', 'REU', '2024-01-01', 5100, '2°'), ('regional_per_cv', 'REU', '2025-01-01', 5700, '2°'), ('regional_per_cv', 'REU', '2026-02-01', 6000, '2°');

-- Reduction of the regional tax for electric/hydrogen vehicles, in percent. Exempt by law until
-- 2025-04-30 (L421-49 before LF 2025); from 2025-05-01 only what the region votes ([2°]).
insert into tax_rates (kind, key, effective_from, amount_cents, source)
select 'regional_ev_reduction', code, '2024-01-01', 100, 'L421-49 (before LF 2025): exempt by law' from regions;
insert into tax_rates (kind, key, effective_from, amount_cents, source) values
  ('regional_ev_reduction', 'ARA', '2025-05-01', 0, '2°'), ('regional_ev_reduction', 'BFC', '2025-05-01', 0, '2°'),
  ('regional_ev_reduction', 'BRE', '2025-05-01', 50, '2°'), ('regional_ev_reduction', 'CVL', '2025-05-01', 0, '2°'),
  ('regional_ev_reduction', 'COR', '2025-05-01', 100, '2°'), ('regional_ev_reduction', 'GES', '2025-05-01', 0, '2°'),
  ('regional_ev_reduction', 'HDF', '2025-05-01', 100, '2°'), ('regional_ev_reduction', 'HDF', '2026-04-01', 0, '2° (ending spring 2026)'),
  ('regional_ev_reduction', 'IDF', '2025-05-01', 0, '2°'), ('regional_ev_reduction', 'NOR', '2025-05-01', 0, '2°'),
  ('regional_ev_reduction', 'NAQ', '2025-05-01', 0, '2°'), ('regional_ev_reduction', 'OCC', '2025-05-01', 0, '2°'),
  ('regional_ev_reduction', 'PAC', '2025-05-01', 0, '2°');

-- Y.2 by weight class (arrêté values, [2°]); Y.4 fixed tax (L421-38, verified); Y.5 delivery.
insert into tax_rates (kind, key, effective_from, amount_cents, verified, source) values
  ('transport', 'upto_3_5t', '2024-01-01', 3400, false, '2° bureau-carte-grise.fr (L421-56 bounds 30–38 €)'),
  ('transport', '3_5t_6t', '2024-01-01', 12700, false, '2° (bounds 125–135 €)'),
  ('transport', '6t_11t', '2024-01-01', 18900, false, '2° (bounds 180–200 €)'),
  ('transport', 'over_11t', '2024-01-01', 28500, false, '2° (bounds 280–305 €)'),
  ('fixed', '', '2024-01-01', 1100, true, 'CIBS L421-38'),
  ('delivery', '', '2024-01-01', 276, true, 'CGI 1628-0 bis; arrêté');
