import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/platform/csv.ts';
import { readVehiclesCsv } from '../../src/domains/vehicles/registry/csv-import.ts';

const HEADER = 'plate;vin;certificate_number;certificate_date;first_registration_date;category;fiscal_power;energy;holder_kind;birth_name;given_names;birth_date;birth_place;company_name;siren;address_line1;address_line2;postcode;commune;long_term_lease;previous_title_address;gage;opposition';

describe('vehicles CSV import', () => {
  it('parses quoted fields with separators and doubled quotes', () => {
    expect(parseCsv('a,"b, c","d ""e"""\n1,2,3\n')).toEqual([['a', 'b, c', 'd "e"'], ['1', '2', '3']]);
  });

  it('reads natural and legal holders, gages and oppositions', () => {
    const csv = [
      HEADER,
      'cd-456-ef;VF1RFB00X56789012;2020CD45678;2020-05-01;2020-05-01;M1;5;ES;natural;Morel;Anne Marie;1975-03-09;Nantes;;;"7, rue des Lilas";;44000;Nantes;non;;oui;',
      '2345 BC 69;VF7NCRFJF73456789;;2005-01-10;2005-01-10;M1;6;GO;legal;;;;;Garage Lyonnais;732829320;1 QUAI PERRACHE;;69002;Lyon;oui;LLD, 8 RUE X, 75013 PARIS;;otci_tresor',
    ].join('\n');
    const { entries, errors } = readVehiclesCsv(csv);
    expect(errors).toEqual([]);
    expect(entries.map((e) => [e.plate, e.plateKind, e.holder.kind, e.encumbrances?.map((x) => x.kind), e.longTermLease])).toEqual([
      ['CD-456-EF', 'siv', 'natural', ['gage'], false],
      ['2345 BC 69', 'fni', 'legal', ['otci_tresor'], true],
    ]);
    expect(entries[0]!.address.line1).toBe('7, rue des Lilas');
    expect(entries[0]!.confidentialCode).toMatch(/^\d{5}$/);
  });

  it('lists every bad line with its number and imports nothing', () => {
    const csv = [
      HEADER,
      'AI-123-CD;VF1RFB00X56789012;;2020-05-01;2020-05-01;M1;5;ES;natural;Morel;Anne;1975-03-09;Nantes;;;1 rue A;;44000;Nantes;;;;',
      'CD-456-EF;VF1RFB00O56789012;;2020-13-01;2020-05-01;M1;0;ES;legal;;;;;;12;1 rue A;;440;Nantes;;;;',
    ].join('\n');
    const { entries, errors } = readVehiclesCsv(csv);
    expect(entries).toEqual([]);
    expect(errors[0]).toBe('Ligne 2 : Un numéro d’immatriculation ne contient jamais les lettres I, O ou U');
    expect(errors[1]).toContain('Ligne 3 : VIN invalide');
    expect(errors[1]).toContain('certificate_date : date attendue au format AAAA-MM-JJ');
    expect(errors[1]).toContain('puissance fiscale invalide');
    expect(errors[1]).toContain('raison sociale et SIREN (9 chiffres) obligatoires');
    expect(errors[1]).toContain('code postal invalide');
  });

  it('reads the date a certificate theft was recorded, and names a malformed one', () => {
    const header = `${HEADER};certificate_theft`;
    const row = (plate: string, theft: string) => `${plate};VF1RFB00X56789012;2020CD45678;2020-05-01;2020-05-01;M1;5;ES;natural;Morel;Anne;1975-03-09;Nantes;;;1 rue A;;44000;Nantes;;;;;${theft}`;
    const read = readVehiclesCsv([header, row('CD-456-EF', '2026-11-02'), row('CD-457-EF', '')].join('\n'));
    expect(read.errors).toEqual([]);
    expect(read.entries.map((e) => e.certificateTheftRecordedOn)).toEqual(['2026-11-02', undefined]);
    expect(readVehiclesCsv([header, row('CD-456-EF', '02/11/2026')].join('\n')).errors[0]).toContain('certificate_theft : date d’enregistrement du vol attendue au format AAAA-MM-JJ');
  });

  it('refuses a file without the required columns', () => {
    expect(readVehiclesCsv('plate,vin\nAB-123-CD,x').errors[0]).toMatch(/^Colonnes manquantes : certificate_date/);
  });
});
