import { officialDocumentPdf } from '../../../platform/pdf/official-document.ts';
import { documentSigner } from '../../../platform/seal/keys.ts';
import { createSeal } from '../../../platform/seal/two-d-doc.ts';
import { base32, fromBase32, sealDate, sealDateTime, type SealDocumentType, type SealFields } from '../../../platform/seal/two-d-doc.ts';
import { characteristicsFields, type VehicleCharacteristics } from '../registry/characteristics.ts';
import type { IssuedDocumentKind } from '../tables.ts';

/** What the certificate of sale and the CSA print; kept with the issued document to render it again. */
export interface SaleDocumentContent {
  fileNumber: string;
  plate: string;
  vin: string;
  certificateNumber: string | null;
  certificateDate: string;
  firstRegistrationDate: string;
  category: string;
  seller: { name: string; address: string[] };
  buyer: { name: string; birthDate: string | null; address: string[]; professional: boolean };
  saleAt: string; // ISO instant
  mileage: number;
  encumbrances: { kind: string; registeredAt: string }[];
  issuedAt: string;
  /** absent on documents issued before migration 0022 */
  vehicle?: VehicleCharacteristics;
  /** a CSA issued in a duplicate after theft: the theft as recorded in the SIV, or the police report sent */
  certificateTheft?: { recordedOn: string | null; reportSentAt: string | null };
  /** the 2D-Doc as signed when issued (`withSignedSeal`); absent on older documents, signed again at each render */
  seal?: string;
}

export const DOCUMENT_TITLES: Record<IssuedDocumentKind, string> = {
  certificat_cession: 'Certificat de cession d’un véhicule d’occasion (cerfa n° 15776*02)',
  csa: 'Certificat de situation administrative (CSA)',
  cpi: 'Certificat provisoire d’immatriculation (CPI)',
  recapitulatif: 'Récapitulatif de la demande',
};

/** What the CPI prints: valid one month, in France only. */
export interface CpiContent {
  fileNumber: string;
  plate: string;
  vin: string;
  category: string;
  holder: string;
  address: string[];
  issuedAt: string;
  validUntil: string;
  /** absent on CPIs issued before the registry carried the characteristics (migration 0022) */
  vehicle?: VehicleCharacteristics;
  firstRegistrationDate?: string;
  certificateNumber?: string | null;
  coHolders?: string[];
  /** the 2D-Doc as signed when issued (`withSignedSeal`); absent on older documents, signed again at each render */
  seal?: string;
}

/** The data a document's 2D-Doc carries; the verification recomputes them from the stored content. */
export function sealFor(kind: IssuedDocumentKind, content: unknown, token: string): { type: SealDocumentType; fields: SealFields } {
  const vin = (v: string) => (v.length === 17 ? { F3: v } : {});
  switch (kind) {
    case 'cpi': {
      const c = content as CpiContent;
      return { type: 'P3', fields: { F0: c.fileNumber, F1: sealToken(token), F2: c.plate, ...vin(c.vin), F4: c.holder, F5: sealDate(c.issuedAt), F6: sealDate(c.validUntil) } };
    }
    case 'recapitulatif': {
      const c = content as SummaryContent;
      return { type: 'P4', fields: { F0: c.fileNumber, F1: sealToken(token), F2: c.plate, F5: sealDate(c.issuedAt) } };
    }
    case 'certificat_cession': {
      const c = content as SaleDocumentContent;
      return { type: 'P1', fields: { F0: c.fileNumber, F1: sealToken(token), F2: c.plate, ...vin(c.vin), F4: c.seller.name, F9: c.buyer.name, F7: sealDateTime(c.saleAt), F8: String(c.mileage) } };
    }
    case 'csa': {
      const c = content as SaleDocumentContent;
      return { type: 'P2', fields: { F0: c.fileNumber, F1: sealToken(token), F2: c.plate, ...vin(c.vin), F4: c.seller.name, F5: sealDate(c.issuedAt) } };
    }
  }
}

/**
 * The content of a document being issued, with its 2D-Doc signed now, once: every later render
 * prints that very seal, so the document's bytes (and the size recorded with it) never change.
 */
export function withSignedSeal<C extends { issuedAt: string }>(kind: IssuedDocumentKind, content: C, token: string): C & { seal: string } {
  const { type, fields } = sealFor(kind, content, token);
  return { ...content, seal: createSeal(documentSigner(), type, fields, new Date(content.issuedAt)) };
}

/** The verification token (base64url, case-sensitive) as the seal carries it: Base32 of its bytes. */
const tokenOf = (verifyUrl: string) => verifyUrl.slice(verifyUrl.lastIndexOf('/') + 1);
export const sealToken = (token: string): string => base32(Buffer.from(token, 'base64url'));
export const tokenFromSeal = (field: string): string => fromBase32(field).toString('base64url');
const verifyFooter = (url: string) => `Vérifiez l’authenticité de ce document en ligne : ${url}`;

export function cpiPdf(c: CpiContent, verifyUrl: string): Promise<Buffer> {
  return officialDocumentPdf(
    {
      title: DOCUMENT_TITLES.cpi,
      subtitle: 'Articles R. 322-3 et R. 322-4 du code de la route — valable un mois, en France uniquement',
      fileNumber: c.fileNumber,
      issuedAt: c.issuedAt,
      qrUrl: verifyUrl,
      footer: verifyFooter(verifyUrl),
      seal: { ...sealFor('cpi', c, tokenOf(verifyUrl)), signed: c.seal },
    },
    (page) => {
      page.section('Immatriculation');
      page.fields([
        { code: 'A', label: 'Numéro d’immatriculation', value: c.plate },
        { code: 'B', label: 'Date de première immatriculation', value: c.firstRegistrationDate ? paris(c.firstRegistrationDate, false) : '' },
        { code: 'I', label: 'Date de l’immatriculation (délivrance du CPI)', value: paris(c.issuedAt, false) },
        { label: 'Valable jusqu’au', value: paris(c.validUntil, false) },
        { code: 'E', label: 'Numéro d’identification du véhicule', value: c.vin, wide: true },
      ]);
      page.section('Titulaire');
      page.fields([
        { code: 'C.1', label: 'Titulaire du certificat (nom, prénoms ou raison sociale)', value: c.holder, wide: true },
        { code: 'C.3', label: 'Adresse', value: c.address.join(', '), wide: true },
        ...(c.coHolders?.length ? [{ code: 'C.4.1', label: 'Cotitulaires', value: c.coHolders.join(', '), wide: true }] : []),
      ]);
      page.section('Véhicule');
      page.fields(c.vehicle ? characteristicsFields(c.vehicle) : [{ code: 'J', label: 'Catégorie du véhicule (CE)', value: c.category }]);
      page.paragraph(
        'Ce certificat provisoire permet de circuler en France uniquement, pendant un mois, dans l’attente du certificat d’immatriculation envoyé par courrier sécurisé au domicile du titulaire. Il doit être présenté avec une pièce d’identité en cas de contrôle.',
        { gap: 10 },
      );
    },
  );
}

export const ENCUMBRANCE_LABELS: Record<string, string> = {
  gage: 'Gage (n’empêche pas la vente)',
  otci_judiciaire: 'Opposition judiciaire (véhicule volé)',
  otci_huissier: 'Opposition d’un commissaire de justice',
  otci_tresor: 'Opposition du Trésor public (amende impayée)',
  otci_vei: 'Opposition VEI/VGA (véhicule endommagé)',
};

// made once: building an Intl.DateTimeFormat costs far more than formatting with it (0.9 % of a sale's CPU, drawn per field)
const PARIS_DATE = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short' });
const PARIS_DATE_TIME = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' });
const paris = (iso: string, withTime = true) => (withTime ? PARIS_DATE_TIME : PARIS_DATE).format(new Date(iso));

/** Renders one of the sale documents as a PDF, with a QR code to its public verification page. */
export function saleDocumentPdf(kind: IssuedDocumentKind, c: SaleDocumentContent, verifyUrl: string): Promise<Buffer> {
  const cession = kind === 'certificat_cession';
  const certificate = c.certificateNumber ? `${c.certificateNumber} du ${paris(c.certificateDate, false)}` : `du ${paris(c.certificateDate, false)}`;
  return officialDocumentPdf(
    {
      title: DOCUMENT_TITLES[kind],
      subtitle: cession ? 'Articles R. 322-4 et R. 322-9 du code de la route — déclaration de cession enregistrée en ligne' : 'Article R. 322-4 du code de la route — gages et oppositions inscrits au système d’immatriculation des véhicules',
      cerfa: cession ? '15776*02' : undefined,
      fileNumber: c.fileNumber,
      issuedAt: c.issuedAt,
      qrUrl: verifyUrl,
      footer: verifyFooter(verifyUrl),
      seal: { ...sealFor(kind, c, tokenOf(verifyUrl)), signed: c.seal },
    },
    (page) => {
      page.section('Le véhicule');
      page.fields([
        { code: 'A', label: 'Numéro d’immatriculation', value: c.plate },
        { code: 'B', label: 'Date de première immatriculation', value: paris(c.firstRegistrationDate, false) },
        { code: 'E', label: 'Numéro d’identification du véhicule', value: c.vin },
        { label: 'Numéro de formule et date du certificat d’immatriculation', value: certificate },
        ...(c.vehicle ? [{ code: 'D.1', label: 'Marque', value: c.vehicle.brand ?? '' }, { code: 'D.2', label: 'Type, variante, version', value: c.vehicle.typeVariant ?? '' }, { code: 'D.3', label: 'Dénomination commerciale', value: c.vehicle.commercialName ?? '' }] : []),
        { code: c.vehicle?.nationalGenre ? 'J.1' : 'J', label: c.vehicle?.nationalGenre ? 'Genre national' : 'Catégorie du véhicule (CE)', value: c.vehicle?.nationalGenre ?? c.category },
        ...(cession ? [{ label: 'Kilométrage inscrit au compteur', value: `${c.mileage.toLocaleString('fr-FR')} km` }] : []),
      ]);
      if (cession) {
        page.section('L’ancien propriétaire (vendeur)');
        page.fields([
          { label: 'Nom, prénoms ou raison sociale', value: c.seller.name, wide: true },
          { label: 'Adresse', value: c.seller.address.join(', '), wide: true },
        ]);
        page.section(c.buyer.professional ? 'Le nouveau propriétaire (professionnel de l’automobile)' : 'Le nouveau propriétaire (acquéreur)');
        page.fields([
          { label: 'Nom, prénoms ou raison sociale', value: c.buyer.name, wide: !c.buyer.birthDate },
          ...(c.buyer.birthDate ? [{ label: 'Date de naissance', value: paris(c.buyer.birthDate, false) }] : []),
          { label: 'Adresse', value: c.buyer.address.join(', '), wide: true },
        ]);
        page.section('La cession');
        page.fields([{ label: 'Date et heure de la cession', value: paris(c.saleAt), wide: true }]);
        page.signatures([
          { label: 'Signature de l’ancien propriétaire', hint: 'précédée de la mention « Cédé le … (date et heure) »' },
          { label: 'Signature du nouveau propriétaire', hint: 'précédée de la mention « Acquis le … (date et heure) »' },
        ]);
        page.paragraph('Exemplaire n° 2 destiné au nouveau propriétaire.', { bold: true, gap: 10 });
        page.paragraph(
          'La déclaration de cession a été enregistrée en ligne ; le vendeur remet aussi à l’acheteur le code de cession, le certificat d’immatriculation barré avec la mention « Vendu le » ou « Cédé le » (date et heure) et signé, et le certificat de situation administrative.',
        );
      } else {
        page.section('Situation administrative');
        page.fields([
          { code: 'C.1', label: 'Titulaire', value: c.seller.name, wide: true },
          { label: 'Situation au', value: paris(c.issuedAt), wide: true },
        ]);
        page.section('Gages et oppositions');
        if (!c.encumbrances.length) page.paragraph('Aucun gage ni aucune opposition n’est inscrit.');
        else page.list(c.encumbrances.map((e) => `${ENCUMBRANCE_LABELS[e.kind] ?? e.kind}, inscrit le ${paris(e.registeredAt, false)}`));
        if (c.certificateTheft) {
          page.section('Vol du certificat d’immatriculation');
          page.paragraph(
            c.certificateTheft.recordedOn
              ? `Le vol du certificat ${certificate} est enregistré au système d’immatriculation des véhicules depuis le ${paris(c.certificateTheft.recordedOn, false)}. Une demande de duplicata est en cours.`
              : `Le vol du certificat ${certificate} a été déclaré par le titulaire le ${paris(c.certificateTheft.reportSentAt ?? c.issuedAt)} ; le récépissé de déclaration de vol est transmis au centre d’instruction avec la demande de duplicata.`,
          );
        } else page.paragraph('Un certificat de situation administrative de moins de 15 jours est remis à l’acheteur.', { gap: 10 });
      }
    },
  );
}

/** What the summary of a request (récapitulatif) prints: what was asked, by whom, what was paid. */
export interface SummaryContent {
  fileNumber: string;
  procedure: string;
  plate: string;
  rows: { label: string; value: string }[];
  taxes: { field: string; label: string; amountCents: number }[];
  issuedAt: string;
  /** the 2D-Doc as signed when issued (`withSignedSeal`); absent on older documents, signed again at each render */
  seal?: string;
}

const euros = (cents: number) => new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(cents / 100);

export function summaryPdf(c: SummaryContent, verifyUrl: string): Promise<Buffer> {
  return officialDocumentPdf(
    { title: `${DOCUMENT_TITLES.recapitulatif} : ${c.procedure}`, fileNumber: c.fileNumber, issuedAt: c.issuedAt, qrUrl: verifyUrl, footer: verifyFooter(verifyUrl), seal: { ...sealFor('recapitulatif', c, tokenOf(verifyUrl)), signed: c.seal } },
    (page) => {
      page.fields([
        { label: 'Numéro de dossier', value: c.fileNumber },
        { code: 'A', label: 'Numéro d’immatriculation', value: c.plate },
        { label: 'Date', value: paris(c.issuedAt), wide: true },
      ]);
      page.section('La demande');
      for (const r of c.rows) page.line(r.label, r.value);
      if (c.taxes.length) {
        page.section('Taxes et redevances');
        page.fields(c.taxes.map((t) => ({ label: `${t.field} — ${t.label}`, value: euros(t.amountCents), wide: true })));
      }
    },
  );
}
