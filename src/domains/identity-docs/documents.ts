import { formatDate, formatLongDateTime } from '../../platform/format-date.ts';
import { officialDocumentPdf } from '../../platform/pdf/official-document.ts';
import { sealDate } from '../../platform/seal/two-d-doc.ts';
import { formatCents } from '../stamps/model.ts';
import { DOCUMENT_LABELS, EYE_LABELS, groupNumber, REASON_LABELS } from './model.ts';
import type { PreApplication } from './tables.ts';

const paris = (d: Date, withTime = false) => (withTime ? formatLongDateTime : formatDate)(d);
const frenchDate = (iso: string) => iso.split('-').reverse().join('/');

/**
 * The printable summary of a submitted pre-application: agency header, the number in large type,
 * a QR code (an embedded PNG image) that opens the town hall's retrieval page with the number,
 * the validity date and the data the town hall will check.
 */
export function preApplicationPdf(p: PreApplication, retrievalUrl: string): Promise<Buffer> {
  const d = p.data;
  const title = `Récapitulatif de pré-demande — ${DOCUMENT_LABELS[p.document]}`;
  const seal = { type: 'P8' as const, fields: { FB: p.number ?? '', F4: `${d.birthName ?? ''} ${d.givenNames ?? ''}`, F6: sealDate(p.expires_at!) } };
  return officialDocumentPdf({ title, fileNumber: groupNumber(p.number ?? ''), issuedAt: p.submitted_at!, qrUrl: retrievalUrl, qrWidth: 96, footer: `La mairie lit le QR code ou saisit le numéro : ${retrievalUrl}`, seal }, (page) => {
    page.fields([{ label: 'Numéro de pré-demande', value: groupNumber(p.number ?? ''), wide: true }]);
    page.paragraph(`Enregistrée le ${paris(p.submitted_at!, true)} — valable jusqu’au ${paris(p.expires_at!)}`);
    const section = (name: string) => page.section(name);
    const line = (label: string, value: string | undefined) => {
      if (value) page.line(label, value);
    };
    section('Demande');
    line('Titre demandé', DOCUMENT_LABELS[p.document]);
    line('Motif', d.reason ? REASON_LABELS[d.reason] : undefined);
    line('Demandée', d.forWhom === 'other' ? 'pour un enfant mineur ou une autre personne' : 'pour soi-même');
    line('Timbre fiscal', p.fee_cents > 0 ? `${formatCents(p.fee_cents)}, timbre électronique se terminant par ${p.stamp_last4}` : 'aucun (gratuit)');
    section('État civil');
    line('Sexe', d.sex === 'F' ? 'Féminin' : 'Masculin');
    line('Nom de naissance', d.birthName?.toUpperCase());
    line('Nom d’usage', d.usageName?.toUpperCase());
    line('Prénoms', d.givenNames);
    line('Né(e) le', d.birthDate ? frenchDate(d.birthDate) : undefined);
    line('À', d.birthPlace && d.birthCountry ? `${d.birthPlace} (${d.birthCountry})` : undefined);
    section('Filiation');
    line('Premier parent', d.parent1Name ? `${d.parent1Name.toUpperCase()} ${d.parent1GivenNames ?? ''}` : undefined);
    line('Second parent', d.parent2Name ? `${d.parent2Name.toUpperCase()} ${d.parent2GivenNames ?? ''}` : 'non renseigné');
    section('Adresse et signalement');
    line('Adresse', [d.line1, d.line2, `${d.postcode} ${d.commune}`].filter(Boolean).join(', '));
    line('Taille', d.heightCm ? `${d.heightCm} cm` : undefined);
    line('Couleur des yeux', d.eyes ? EYE_LABELS[d.eyes] : undefined);
    page.section('Et maintenant ?');
    page.paragraph(
      'Prenez rendez-vous dans une mairie équipée d’un dispositif de recueil. Apportez ce récapitulatif (ou son numéro), une photo d’identité de moins de 6 mois, un justificatif de domicile et, le cas échéant, votre ancien titre ou la déclaration de perte ou de vol. La personne concernée doit être présente : ses empreintes sont relevées au dépôt.',
    );
  });
}
