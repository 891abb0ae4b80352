import { DownloadLink } from '../../../ui/components/download-link.tsx';
import { NewCodeNotice } from '../confidential-code/pages.tsx';
import type { ComponentChildren } from 'preact';
import type { ThreadMessage } from '../../instruction/threads.ts';
import { DECLARATIONS, WEATHER_EVENT, DUPLICATE_REASONS, DUPLICATE_STEP_SLUGS, DUPLICATE_STEP_TITLES, type DuplicateReason, type DuplicateStep } from './model.ts';
import { formatEuros, type TaxLine } from '../taxes/model.ts';
import type { Attachment } from '../../../platform/files/tables.ts';
import { AttachmentList, MessageThread, UserMessageForm } from '../../../ui/components/attachments.tsx';
import { Accordion, Alert, SummaryList } from '../../../ui/components/content.tsx';
import { Checkbox, FileInput, Form, RadioGroup, SubmitButton, TextArea, type FieldErrors } from '../../../ui/components/form.tsx';
import { PaymentDue, ProcedureStepsLayout } from '../procedures/step-pages.tsx';
import { TaxDetail } from '../taxes/pages.tsx';
import { FALSE_DECLARATION_WARNING } from '../../../ui/components/false-declaration.ts';
import { SaveForLaterButton, StepButtons } from '../../../ui/components/step-navigation.tsx';

interface Common {
  fileNumber: string;
  plate: string;
  /** the steps of this request's path (duplicatePath), the stepper counts them */
  path: { steps: readonly DuplicateStep[]; known: boolean };
}
/** A document issued for the request, with its PDF's size for the link. */
type IssuedDoc = { kind: string; bytes: number | null };
const base = (file: string) => `/vehicules/demandes/${file}/duplicata`;
const LABELS = { police_report: 'Récépissé de déclaration de vol', message_piece: 'Pièce jointe à un message' };

/** A step's own address: /vehicules/demandes/<file>/duplicata/<slug>. */
export const duplicateStepUrl = (fileNumber: string, step: DuplicateStep): string => `${base(fileNumber)}/${DUPLICATE_STEP_SLUGS[step]}`;

function DuplicateLayout(props: Common & { step: DuplicateStep; previous?: DuplicateStep; errors?: FieldErrors; order?: string[]; children: ComponentChildren }) {
  const { previous, path, ...rest } = props;
  return (
    <ProcedureStepsLayout
      procedure="Demande de duplicata"
      steps={path.steps}
      nextKnown={path.known}
      titles={DUPLICATE_STEP_TITLES}
      help="duplicata"
      previous={previous ? duplicateStepUrl(props.fileNumber, previous) : undefined}
      {...rest}
    />
  );
}

export function DuplicateReasonPage(props: Common & { holder: string; values: Record<string, string | undefined>; errors: FieldErrors }) {
  const { values, errors } = props;
  return (
    <DuplicateLayout {...props} step="reason" order={['reason', 'declaration', 'special']}>
      <SummaryList rows={[{ key: 'Titulaire', value: props.holder }]} />
      <Form action={duplicateStepUrl(props.fileNumber, 'reason')}>
        <RadioGroup
          name="reason"
          label="Pourquoi demandez-vous un duplicata ?"
          value={values.reason}
          error={errors.reason}
          options={[
            { value: 'loss', label: 'Suite à la perte de ma carte grise', hint: 'Vous la déclarez ci-dessous, sur l’honneur.' },
            { value: 'theft', label: 'Suite au vol de ma carte grise', hint: 'Vous joindrez le récépissé de votre déclaration de vol au commissariat ou à la gendarmerie ; le centre d’instruction le contrôle avant le paiement.' },
            { value: 'damage', label: 'Ma carte grise est abîmée', hint: 'Détériorée ou illisible : vous la déclarez ci-dessous, sur l’honneur.' },
          ]}
        />
        <Checkbox
          name="declaration"
          value="oui"
          checked={values.declaration === 'oui'}
          label="Perte ou détérioration : je fais la déclaration sur l’honneur correspondant à mon motif *"
          hint={`Perte : « ${DECLARATIONS.loss} » Détérioration : « ${DECLARATIONS.damage} » ${FALSE_DECLARATION_WARNING}`}
          error={errors.declaration}
        />
        <p class="fr-hint-text">* Case obligatoire pour une perte ou une détérioration.</p>
        <Checkbox
          name="special"
          value="intemperies"
          checked={values.special === 'intemperies'}
          label="Cas particulier : ma carte grise a été détruite ou abîmée lors d’un événement climatique (tempête, inondation, grêle…)"
          hint={`Cochez cette case seulement si vous êtes dans ce cas particulier (perte ou détérioration). La taxe fixe de 11 € n’est alors pas due (article L421-40 du code des impositions sur les biens et services) : vous ne payez que l’acheminement du certificat. ${FALSE_DECLARATION_WARNING}`}
          error={errors.special}
        />
        <StepButtons later />
      </Form>
    </DuplicateLayout>
  );
}

export function DuplicateReportPage(props: Common & { previous?: DuplicateStep; values: Record<string, string | undefined>; errors: FieldErrors }) {
  return (
    <DuplicateLayout {...props} step="report" order={['report', 'comment']}>
      <p>
        Joignez le récépissé de la déclaration de vol remis par le commissariat ou la gendarmerie. Votre demande est ensuite mise en attente pour
        contrôle par le centre d’instruction : vous recevrez un courriel dès qu’il aura répondu, puis vous reprendrez la démarche depuis « Mon
        espace véhicule » pour la payer.
      </p>
      <Form action={duplicateStepUrl(props.fileNumber, 'report')} enctype="multipart/form-data">
        <FileInput name="report" label="Récépissé de déclaration de vol" error={props.errors.report} />
        <TextArea name="comment" label="Message pour le centre d’instruction (facultatif)" value={props.values.comment} error={props.errors.comment} maxLength={2000} />
        <ul class="fr-btns-group fr-btns-group--inline-sm fr-mt-3w">
          <li>
            <SubmitButton>Valider et envoyer au centre d’instruction</SubmitButton>
          </li>
          <li>
            <SaveForLaterButton />
          </li>
        </ul>
      </Form>
    </DuplicateLayout>
  );
}

/** Waiting for the centre, or asked for a complement: the centre's note, the pieces, the thread, the answer. */
export function DuplicateReviewPage(
  props: Common & { status: 'in_progress' | 'awaiting_review' | 'to_complete' | 'rejected'; note: string | null; reports: Attachment[]; messages: ThreadMessage[]; csa: IssuedDoc | undefined; values: Record<string, string | undefined>; errors: FieldErrors },
) {
  return (
    <DuplicateLayout {...props} step="report" order={['message', 'report', 'user_message', 'user_message_file']}>
      {props.status === 'in_progress' && (
        <Alert kind="success" title="Déclaration de vol acceptée">
          <p>Le centre d’instruction a accepté votre déclaration de vol : vous pouvez finaliser votre demande.</p>
          <p>
            <a class="fr-link fr-icon-arrow-right-line fr-link--icon-right" href={duplicateStepUrl(props.fileNumber, 'summary')}>
              Poursuivre vers le récapitulatif
            </a>
          </p>
        </Alert>
      )}
      {props.status === 'awaiting_review' && (
        <Alert kind="info" title="Demande en attente de contrôle">
          <p>Le centre d’instruction contrôle votre déclaration de vol. Vous recevrez un courriel dès qu’il aura répondu ; vous n’avez rien à faire d’ici là.</p>
        </Alert>
      )}
      {props.status === 'to_complete' && (
        <Alert kind="warning" title="Le centre d’instruction vous demande un complément">
          <p>{props.note ?? 'Lisez les messages ci-dessous.'}</p>
        </Alert>
      )}
      {props.status === 'rejected' && (
        <Alert kind="error" title="Demande rejetée">
          <p>{props.note ?? 'Le centre d’instruction a rejeté votre demande.'} Vous pouvez faire une nouvelle demande.</p>
        </Alert>
      )}
      {props.csa && <CsaLink fileNumber={props.fileNumber} bytes={props.csa.bytes} />}
      <h2 class="fr-h4">Pièces envoyées</h2>
      <AttachmentList items={props.reports} hrefFor={(a) => `/vehicules/demandes/${props.fileNumber}/pieces/${a.id}`} labels={LABELS} />
      <h2 class="fr-h4">Messages</h2>
      <MessageThread messages={props.messages} viewer="user" />
      {props.status === 'awaiting_review' && <UserMessageForm action={`${base(props.fileNumber)}/message`} value={props.values.user_message} errors={props.errors} />}
      {props.status === 'to_complete' && (
        <>
          <h2 class="fr-h4">Répondre au centre d’instruction</h2>
          <Form action={`${base(props.fileNumber)}/complement`} enctype="multipart/form-data">
            <TextArea name="message" label="Votre réponse" value={props.values.message} error={props.errors.message} maxLength={2000} />
            <FileInput name="report" label="Nouveau récépissé de déclaration de vol (si le précédent a été refusé)" error={props.errors.report} />
            <SubmitButton>Envoyer</SubmitButton>
          </Form>
        </>
      )}
    </DuplicateLayout>
  );
}

/** The certificat de situation administrative issued with the theft declaration. */
function CsaLink(props: { fileNumber: string; bytes: number | null }) {
  return (
    <p>
      <DownloadLink href={`${base(props.fileNumber)}/csa.pdf`} label="Certificat de situation administrative" bytes={props.bytes} />
      <span class="fr-hint-text">Il mentionne le vol de votre certificat d’immatriculation ; conservez-le jusqu’à la réception du duplicata.</span>
    </p>
  );
}

export function DuplicateSummaryPage(
  props: Common & { previous?: DuplicateStep; reason: DuplicateReason; holder: string; address: string[]; certificate: string | null; taxes: TaxLine[]; reviewed: boolean; theftRecordedOn: string | null; weatherEvent: boolean; errors: FieldErrors },
) {
  return (
    <DuplicateLayout {...props} step="summary" order={['clu']}>
      {props.theftRecordedOn && (
        <Alert kind="info" small>
          Le vol de votre certificat est déjà enregistré au système d’immatriculation des véhicules depuis le {props.theftRecordedOn.split('-').reverse().join('/')} : votre demande n’a pas à être
          contrôlée par le centre d’instruction. Le certificat de situation administrative qui le mentionne sera téléchargeable dès la validation de la demande.
        </Alert>
      )}
      {props.reviewed && (
        <Alert kind="success" small>
          Le centre d’instruction a accepté votre déclaration de vol : vous pouvez finaliser votre demande.
        </Alert>
      )}
      <SummaryList
        rows={[
          { key: 'Motif', value: DUPLICATE_REASONS[props.reason], changeHref: props.reviewed ? undefined : duplicateStepUrl(props.fileNumber, 'reason') },
          ...(props.reason !== 'theft' ? [{ key: 'Déclaration sur l’honneur', value: DECLARATIONS[props.reason] }] : []),
          ...(props.weatherEvent ? [{ key: 'Cas particulier', value: WEATHER_EVENT }] : []),
          { key: 'Certificat actuel', value: `${props.certificate ?? 'ancien format'} — il ne sera plus valable` },
          { key: 'Ce que vous recevrez', value: 'Un nouveau certificat d’immatriculation à l’adresse du titulaire, et un certificat provisoire à imprimer' },
          { key: 'Montant à payer', value: formatEuros(props.taxes.at(-1)!.amountCents) },
        ]}
      />
      <Accordion title="Identité et adresse du titulaire">
        <p>
          {props.holder}
          <br />
          {props.address.join(', ')}
        </p>
      </Accordion>
      <Accordion title="Détail des taxes">
        <TaxDetail lines={props.taxes} />
      </Accordion>
      <Form action={`${base(props.fileNumber)}/confirmer`}>
        <Checkbox name="clu" value="oui" label="J’accepte les conditions légales d’utilisation et je certifie exactes les informations de la demande *" hint={FALSE_DECLARATION_WARNING} error={props.errors.clu} />
        <p class="fr-hint-text">* Case obligatoire.</p>
        <SubmitButton>Valider la demande</SubmitButton>
      </Form>
    </DuplicateLayout>
  );
}

export function DuplicateDonePage(props: Common & { paid: boolean; amountCents: number; canPay: boolean; idempotencyKey: string; documents: IssuedDoc[] }) {
  const doc = (kind: string) => props.documents.find((d) => d.kind === kind);
  const csa = doc('csa');
  const cpi = doc('cpi');
  const summary = doc('recapitulatif');
  return (
    <DuplicateLayout {...props} step="done">
      {props.paid ? (
        <>
          <Alert kind="success" title="Demande de duplicata terminée">
            <p>
              L’ancien certificat n’est plus valable ; le nouveau est envoyé à l’adresse du titulaire. Imprimez le
              certificat provisoire pour circuler en France pendant un mois.
            </p>
            <NewCodeNotice />
          </Alert>
          <ul>
            {csa && (
              <li>
                <DownloadLink href={`${base(props.fileNumber)}/csa.pdf`} label="Certificat de situation administrative" bytes={csa.bytes} />
              </li>
            )}
            {cpi && (
              <li>
                <DownloadLink href={`/vehicules/demandes/${props.fileNumber}/cpi.pdf`} label="Certificat provisoire d’immatriculation" bytes={cpi.bytes} />
              </li>
            )}
            {summary && (
              <li>
                <DownloadLink href={`/vehicules/demandes/${props.fileNumber}/recapitulatif.pdf`} label="Récapitulatif de la demande" bytes={summary.bytes} />
              </li>
            )}
          </ul>
        </>
      ) : (
        <>
        {csa && <CsaLink fileNumber={props.fileNumber} bytes={csa.bytes} />}
        <PaymentDue
          intro="Votre demande est enregistrée et vous attend dans « Mon espace véhicule » jusqu’au paiement."
          action={`${base(props.fileNumber)}/payer`}
          amountCents={props.amountCents}
          canPay={props.canPay}
          idempotencyKey={props.idempotencyKey}
        />
        </>
      )}
    </DuplicateLayout>
  );
}
