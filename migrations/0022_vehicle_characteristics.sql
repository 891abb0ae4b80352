-- The characteristics a certificate (and the CPI) prints, with their official codes (arrêté du
-- 9 février 2009, annexe « certificat d'immatriculation »). Nullable: a registry row imported
-- without them prints « — » in the box; the existing J (catégorie CE), P.3 (energy) and P.6
-- (fiscal_power) columns stay where they are.
ALTER TABLE vehicles ADD COLUMN brand text;            -- D.1 marque
ALTER TABLE vehicles ADD COLUMN type_variant text;     -- D.2 type, variante, version
ALTER TABLE vehicles ADD COLUMN commercial_name text;  -- D.3 dénomination commerciale
ALTER TABLE vehicles ADD COLUMN national_genre text;   -- J.1 genre national (VP, CTTE, MTL…)
ALTER TABLE vehicles ADD COLUMN body_type text;        -- J.3 carrosserie (désignation nationale: CI, BREAK…)
ALTER TABLE vehicles ADD COLUMN gross_weight_kg integer CHECK (gross_weight_kg IS NULL OR gross_weight_kg > 0);  -- F.2 PTAC
ALTER TABLE vehicles ADD COLUMN engine_cc integer CHECK (engine_cc IS NULL OR engine_cc >= 0);                   -- P.1 cylindrée
ALTER TABLE vehicles ADD COLUMN seats integer CHECK (seats IS NULL OR seats > 0);                                -- S.1 places assises
ALTER TABLE vehicles ADD COLUMN co2_g_km integer CHECK (co2_g_km IS NULL OR co2_g_km >= 0);                      -- V.7 CO2
