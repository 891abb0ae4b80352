import type { RegistryCharacteristics, RegistryEntry } from './registry.ts';

/**
 * A few hundred fictional vehicles for the demo database, generated from a fixed seed so every
 * machine gets the same registry. The first entries are the documented ones (README): they belong
 * to the demo accounts and cover the special cases.
 */
export const DEMO_VEHICLE_CODES = {
  'AB-123-CD': '24680', // Camille Martin's car (gage, does not block a sale)
  '1234 AB 75': '13579', // Camille Martin's old FNI plate
  'GH-456-JK': '11223', // Transports Démo SARL, long-term lease
  'LM-789-NP': '44556', // Transports Démo SARL, opposition OTCI (blocks a sale)
  'QR-321-ST': '77889', // Jean Dupont, co-holder Marie Dupont; not linked to an account (for "someone else")
  'VW-654-XY': '99001', // three address changes already: the next one makes a new certificate
} as const;

function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BIRTH_NAMES = ['MARTIN', 'BERNARD', 'THOMAS', 'PETIT', 'ROBERT', 'RICHARD', 'DURAND', 'DUBOIS', 'MOREAU', 'LAURENT', 'SIMON', 'MICHEL', 'LEFEBVRE', 'LEROY', 'ROUX', 'DAVID', 'BERTRAND', 'MOREL', 'FOURNIER', 'GIRARD', 'NGUYEN', 'BENALI', 'DA SILVA', 'KOWALSKI', 'LE GALL'];
const GIVEN_NAMES = ['Marie', 'Jean', 'Camille', 'Louis', 'Léa', 'Hugo', 'Chloé', 'Lucas', 'Manon', 'Nathan', 'Inès', 'Karim', 'Sofia', 'Yanis', 'Anne-Sophie', 'Jean-Pierre', 'Zoé', 'Élise'];
const COMPANIES = ['LOCATION DU RHONE SAS', 'TAXIS DE LA GARONNE', 'BTP NORMAND SARL', 'LIVRAISONS EXPRESS 13', 'AMBULANCES DU LAC', 'VIGNOBLES DE LA COTE'];
const STREETS = ['RUE DE LA REPUBLIQUE', 'AVENUE JEAN JAURES', 'RUE VICTOR HUGO', 'BOULEVARD GAMBETTA', 'CHEMIN DES VIGNES', 'PLACE DE LA MAIRIE', 'ALLEE DES TILLEULS', 'RUE PASTEUR'];
const COMMUNES: [string, string][] = [['75011', 'PARIS'], ['69003', 'LYON'], ['13001', 'MARSEILLE'], ['31000', 'TOULOUSE'], ['33000', 'BORDEAUX'], ['59000', 'LILLE'], ['44000', 'NANTES'], ['67000', 'STRASBOURG'], ['35000', 'RENNES'], ['97400', 'SAINT-DENIS'], ['20000', 'AJACCIO'], ['63000', 'CLERMONT-FERRAND']];
const CATEGORIES: [string, string, number, number][] = [['M1', 'ES', 4, 9], ['M1', 'GO', 5, 11], ['M1', 'EL', 1, 4], ['M1', 'EE', 4, 8], ['N1', 'GO', 6, 10], ['L3e', 'ES', 2, 7]];
const LETTERS = 'ABCDEFGHJKLMNPQRSTVWXYZ';
const FNI_DEPARTMENTS = ['75', '69', '13', '31', '33', '59', '44', '67', '35', '974', '2A', '63'];
const VIN_CHARS = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';

/** Models the generated vehicles take their characteristics from (by CE category and energy). */
const MODELS = [
  { category: 'M1', energies: ['ES', 'GO', 'EE'], brand: 'RENAULT', type: 'BJA / 5 / H4D', name: 'CLIO', genre: 'VP', body: 'CI', ptac: 1_620, cc: 999, seats: 5, co2: 110 },
  { category: 'M1', energies: ['ES', 'GO', 'EE'], brand: 'PEUGEOT', type: 'UPHNSS / 1', name: '308', genre: 'VP', body: 'CI', ptac: 1_860, cc: 1_199, seats: 5, co2: 118 },
  { category: 'M1', energies: ['ES', 'GO'], brand: 'CITROEN', type: 'SXHNSU / 2', name: 'C3', genre: 'VP', body: 'CI', ptac: 1_590, cc: 1_199, seats: 5, co2: 112 },
  { category: 'M1', energies: ['EL'], brand: 'RENAULT', type: 'BCB / 1 / 5AQ', name: 'ZOE', genre: 'VP', body: 'CI', ptac: 1_966, cc: 0, seats: 5, co2: 0 },
  { category: 'M1', energies: ['EL', 'EE'], brand: 'TESLA', type: '005 / Y / 1', name: 'MODEL Y', genre: 'VP', body: 'CI', ptac: 2_450, cc: 0, seats: 5, co2: 0 },
  { category: 'N1', energies: ['GO', 'ES'], brand: 'RENAULT', type: 'FFS / 4 / R9M', name: 'TRAFIC', genre: 'CTTE', body: 'FOURGON', ptac: 3_070, cc: 1_997, seats: 3, co2: 189 },
  { category: 'L3e', energies: ['ES'], brand: 'YAMAHA', type: 'RM28 / 1', name: 'MT-07', genre: 'MTL', body: 'SOLO', ptac: 369, cc: 689, seats: 2, co2: 96 },
] as const;

export interface DemoAccountIds {
  individual: number;
  legalEntity: number;
}

export function demoRegistry(accounts: DemoAccountIds, count = 300): RegistryEntry[] {
  const rand = prng(20_261_125);
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
  const date = (fromYear: number, toYear: number) => `${int(fromYear, toYear)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`;
  const vin = () => `VF${Array.from({ length: 15 }, () => pick([...VIN_CHARS])).join('')}`;
  const certificate = (year: string) => `${year}${pick([...LETTERS])}${pick([...LETTERS])}${String(int(0, 99_999)).padStart(5, '0')}`;
  const address = () => {
    const [postcode, commune] = pick(COMMUNES);
    return { line1: `${int(1, 120)} ${pick(STREETS)}`, postcode, commune };
  };
  const used = new Set<string>(Object.keys(DEMO_VEHICLE_CODES));
  const plate = () => {
    for (;;) {
      const left = `${pick([...LETTERS])}${pick([...LETTERS])}`;
      const right = `${pick([...LETTERS])}${pick([...LETTERS])}`;
      const p = `${left}-${String(int(1, 999)).padStart(3, '0')}-${right}`;
      if (left !== 'SS' && right !== 'SS' && left !== 'WW' && !used.has(p)) {
        used.add(p);
        return p;
      }
    }
  };

  const fixed: RegistryEntry[] = [
    {
      plate: 'AB-123-CD', plateKind: 'siv', vin: 'VF1RFB00X56789012', certificateNumber: '2019AB12345', certificateDate: '2019-03-14', firstRegistrationDate: '2019-03-14',
      category: 'M1', fiscalPower: 5, energy: 'ES', holder: { kind: 'natural', birthName: 'MARTIN', givenNames: 'Camille', birthDate: '1988-06-02', birthPlace: 'PARIS 11E ARRONDISSEMENT' },
      address: { line1: '12 RUE DE LA ROQUETTE', postcode: '75011', commune: 'PARIS' }, holderEmail: 'demo.particulier@example.fr', accountId: accounts.individual,
      encumbrances: [{ kind: 'gage', registeredAt: '2019-03-14' }], confidentialCode: DEMO_VEHICLE_CODES['AB-123-CD'],
    },
    {
      plate: '1234 AB 75', plateKind: 'fni', vin: 'VF7NCRFJF73456789', certificateNumber: null, certificateDate: '2004-09-21', firstRegistrationDate: '2004-09-21',
      category: 'M1', fiscalPower: 6, energy: 'GO', holder: { kind: 'natural', birthName: 'MARTIN', givenNames: 'Camille', birthDate: '1988-06-02', birthPlace: 'PARIS 11E ARRONDISSEMENT' },
      address: { line1: '12 RUE DE LA ROQUETTE', postcode: '75011', commune: 'PARIS' }, holderEmail: 'demo.particulier@example.fr', accountId: accounts.individual,
      certificateTheftRecordedOn: '2026-11-20', confidentialCode: DEMO_VEHICLE_CODES['1234 AB 75'],
    },
    {
      plate: 'GH-456-JK', plateKind: 'siv', vin: 'VF3LBHNZ6HS123456', certificateNumber: '2022GH45678', certificateDate: '2022-01-10', firstRegistrationDate: '2022-01-10',
      category: 'N1', fiscalPower: 7, energy: 'GO', holder: { kind: 'legal', companyName: 'TRANSPORTS DEMO SARL', siren: '732829320' },
      address: { line1: '4 QUAI DE LA GARE', postcode: '69003', commune: 'LYON' }, holderEmail: 'demo.entreprise@example.fr', accountId: accounts.legalEntity,
      longTermLease: true, previousTitleAddress: 'LOCAVIA LLD, 8 AVENUE DE FRANCE, 75013 PARIS', confidentialCode: DEMO_VEHICLE_CODES['GH-456-JK'],
    },
    {
      plate: 'LM-789-NP', plateKind: 'siv', vin: 'WVWZZZ1KZ6W612345', certificateNumber: '2018LM78901', certificateDate: '2018-05-30', firstRegistrationDate: '2016-02-11',
      category: 'M1', fiscalPower: 6, energy: 'ES', holder: { kind: 'legal', companyName: 'TRANSPORTS DEMO SARL', siren: '732829320' },
      address: { line1: '4 QUAI DE LA GARE', postcode: '69003', commune: 'LYON' }, holderEmail: 'demo.entreprise@example.fr', accountId: accounts.legalEntity,
      encumbrances: [{ kind: 'otci_tresor', registeredAt: '2025-10-01' }], confidentialCode: DEMO_VEHICLE_CODES['LM-789-NP'],
    },
    {
      plate: 'QR-321-ST', plateKind: 'siv', vin: 'VR1URHNSSKW123456', certificateNumber: '2020QR32109', certificateDate: '2020-07-07', firstRegistrationDate: '2020-07-07',
      category: 'M1', fiscalPower: 4, energy: 'EE', holder: { kind: 'natural', birthName: 'DUPONT', givenNames: 'Jean', birthDate: '1950-01-31', birthPlace: 'LILLE' },
      address: { line1: '3 RUE PASTEUR', line2: 'RESIDENCE LES ACACIAS BAT B', postcode: '59000', commune: 'LILLE' },
      coHolders: [{ birthName: 'DUPONT', givenNames: 'Marie', birthDate: '1952-04-12', birthPlace: 'ROUBAIX' }], confidentialCode: DEMO_VEHICLE_CODES['QR-321-ST'],
    },
    {
      plate: 'VW-654-XY', plateKind: 'siv', vin: 'VF1AG000X64321098', certificateNumber: '2023VW65432', certificateDate: '2023-11-02', firstRegistrationDate: '2015-06-18',
      category: 'M1', fiscalPower: 5, energy: 'GO', holder: { kind: 'natural', birthName: 'MARTIN', givenNames: 'Camille', birthDate: '1988-06-02', birthPlace: 'PARIS 11E ARRONDISSEMENT' },
      address: { line1: '12 RUE DE LA ROQUETTE', postcode: '75011', commune: 'PARIS' }, holderEmail: 'demo.particulier@example.fr', accountId: accounts.individual,
      addressChangesSinceSiv: 3, confidentialCode: DEMO_VEHICLE_CODES['VW-654-XY'],
    },
  ];

  const generated: RegistryEntry[] = [];
  for (let i = fixed.length; i < count; i++) {
    const [category, energy, minCv, maxCv] = pick(CATEGORIES);
    const firstYear = int(2000, 2026);
    const fni = firstYear < 2009 && rand() < 0.3;
    const certDate = date(Math.max(firstYear, 2009), 2026);
    const legal = rand() < 0.15;
    const entry: RegistryEntry = {
      plate: fni ? `${int(1, 9999)} ${pick([...LETTERS])}${pick([...LETTERS])} ${pick(FNI_DEPARTMENTS)}` : plate(),
      plateKind: fni ? 'fni' : 'siv',
      vin: vin(),
      certificateNumber: fni ? null : certificate(certDate.slice(0, 4)),
      certificateDate: fni ? date(firstYear, 2008) : certDate,
      firstRegistrationDate: date(firstYear, firstYear),
      category,
      fiscalPower: int(minCv, maxCv),
      energy,
      holder: legal
        ? { kind: 'legal', companyName: pick(COMPANIES), siren: '732829320' }
        : { kind: 'natural', birthName: pick(BIRTH_NAMES), givenNames: pick(GIVEN_NAMES), birthDate: date(1940, 2006), birthPlace: pick(COMMUNES)[1] },
      address: address(),
      confidentialCode: String(int(0, 99_999)).padStart(5, '0'),
      ...(rand() < 0.1 ? { encumbrances: [{ kind: 'gage' as const, registeredAt: certDate }] } : {}),
      ...(rand() < 0.04 ? { encumbrances: [{ kind: pick(['otci_judiciaire', 'otci_huissier', 'otci_tresor', 'otci_vei'] as const), registeredAt: '2025-06-01' }] } : {}),
      ...(legal && rand() < 0.3 ? { longTermLease: true, previousTitleAddress: 'LOCAVIA LLD, 8 AVENUE DE FRANCE, 75013 PARIS' } : {}),
      ...(!legal && rand() < 0.1 ? { coHolders: [{ birthName: pick(BIRTH_NAMES), givenNames: pick(GIVEN_NAMES), birthDate: date(1940, 2006), birthPlace: pick(COMMUNES)[1] }] } : {}),
      addressChangesSinceSiv: fni ? 0 : int(0, 3),
    };
    if (fni && used.has(entry.plate)) continue;
    used.add(entry.plate);
    generated.push(entry);
  }
  const byPlate: Record<string, RegistryCharacteristics> = {
    'AB-123-CD': { brand: 'RENAULT', typeVariant: 'RFB0A5 / M5 / K9K', commercialName: 'MEGANE', nationalGenre: 'VP', bodyType: 'CI', grossWeightKg: 1_820, engineCc: 1_332, seats: 5, co2: 128 },
    '1234 AB 75': { brand: 'PEUGEOT', typeVariant: '3CRFJF / 1', commercialName: '307', nationalGenre: 'VP', bodyType: 'BREAK', grossWeightKg: 1_915, engineCc: 1_997, seats: 5, co2: 152 },
    'GH-456-JK': { brand: 'CITROEN', typeVariant: '7BHNZ / ED / 2', commercialName: 'BERLINGO', nationalGenre: 'CTTE', bodyType: 'FOURGON', grossWeightKg: 2_150, engineCc: 1_499, seats: 2, co2: 139 },
    'LM-789-NP': { brand: 'VOLKSWAGEN', typeVariant: '1K / AAXXX / 6', commercialName: 'GOLF', nationalGenre: 'VP', bodyType: 'CI', grossWeightKg: 1_790, engineCc: 1_390, seats: 5, co2: 149 },
    'QR-321-ST': { brand: 'PEUGEOT', typeVariant: 'URHNSS / 1', commercialName: '3008 HYBRID', nationalGenre: 'VP', bodyType: 'CI', grossWeightKg: 2_350, engineCc: 1_598, seats: 5, co2: 31 },
    'VW-654-XY': { brand: 'RENAULT', typeVariant: 'AG0 / 4 / K9K', commercialName: 'CLIO', nationalGenre: 'VP', bodyType: 'CI', grossWeightKg: 1_630, engineCc: 1_461, seats: 5, co2: 99 },
  };
  for (const e of fixed) e.characteristics = byPlate[e.plate];
  // a PRNG of its own, so the registry drawn above stays what it was before these fields existed
  const charRand = prng(20_261_201);
  for (const e of generated) {
    const models = MODELS.filter((m) => m.category === e.category && (m.energies as readonly string[]).includes(e.energy));
    const m = models[Math.floor(charRand() * models.length)] ?? MODELS[0]!;
    e.characteristics = { brand: m.brand, typeVariant: m.type, commercialName: m.name, nationalGenre: m.genre, bodyType: m.body, grossWeightKg: m.ptac, engineCc: e.energy === 'EL' ? 0 : m.cc, seats: m.seats, co2: e.energy === 'EL' ? 0 : m.co2 + Math.floor(charRand() * 20) };
  }
  return [...fixed, ...generated];
}
