import type { ComponentChildren } from 'preact';
import type { ThreadMessage } from '../../instruction/threads.ts';
import { categoryOf, subcategoryOf, TPC_CATEGORIES, TPC_PAGE_SLUGS, TPC_PAGE_TAB, TPC_PIECES, TPC_STEP_TITLES, TPC_STEPS, tpcPreviousPage, type TpcPage, type TpcPiece, type TpcState } from './model.ts';
import type { ProcedureStatus } from '../tables.ts';
import type { Attachment } from '../../../platform/files/tables.ts';
import { AttachmentList, MessageThread, UserMessageForm } from '../../../ui/components/attachments.tsx';
import { Accordion, Alert, SummaryList } from '../../../ui/components/content.tsx';
import { formatEuros, type TaxLine } from '../taxes/model.ts';
import { TaxDetail } from '../taxes/pages.tsx';
import { Checkbox, FileInput, Form, RadioGroup, SubmitButton, TextArea, TextInput, type FieldErrors } from '../../../ui/components/form.tsx';
import { PaymentDue, ProcedureStepsLayout } from '../procedures/step-pages.tsx';
import { FALSE_DECLARATION_WARNING } from '../../../ui/components/false-declaration.ts';
import { DateInput } from '../../../ui/components/date-input.tsx';
import { StepButtons } from '../../../ui/components/step-navigation.tsx';

type Values = Record<string, string | undefined>;
interface Common {
  fileNumber: string;
  plate: string;
}
const base = (file: string) => `/vehicules/demandes/${file}/complementaire`;
export const PIECE_LABELS: Record<string, string> = { ...TPC_PIECES, police_report: 'Récépissé de déclaration de vol', message_piece: 'Pièce jointe à un message' };

/** A page's own address: /vehicules/demandes/<file>/complementaire/<slug>. */
export const tpcPageUrl = (fileNumber: string, page: TpcPage): string => `${base(fileNumber)}/${TPC_PAGE_SLUGS[page]}`;

function TpcLayout(props: Common & { page: TpcPage; errors?: FieldErrors; order?: string[]; children: ComponentChildren }) {
  const { page, ...rest } = props;
  const previous = tpcPreviousPage(page);
  return (
    <ProcedureStepsLayout
      procedure="Téléprocédure complémentaire"
      steps={TPC_STEPS}
      titles={TPC_STEP_TITLES}
      step={TPC_PAGE_TAB[page]}
      help={page === 'pieces' ? 'pieces-justificatives' : 'autres-demandes'}
      previous={previous ? tpcPageUrl(props.fileNumber, previous) : undefined}
      {...rest}
    />
  );
}

/** The category of the request, exactly the tree of the slides (its sub-category is the next page). */
export function TpcCategoryPage(props: Common & { values: Values; errors: FieldErrors }) {
  return (
    <TpcLayout {...props} page="category" order={['category']}>
      <p>La téléprocédure complémentaire concerne toutes les demandes que les autres démarches en ligne ne traitent pas. Elle est transmise au centre d’instruction, qui vous répond sur cette page.</p>
      <Form action={tpcPageUrl(props.fileNumber, 'category')}>
        <RadioGroup name="category" label="Catégorie de votre demande" value={props.values.category} error={props.errors.category} options={TPC_CATEGORIES.map((c) => ({ value: c.key, label: c.label }))} />
        <SubmitButton>Poursuivre</SubmitButton>
      </Form>
    </TpcLayout>
  );
}

export function TpcSubcategoryPage(props: Common & { state: TpcState; values: Values; errors: FieldErrors }) {
  const category = categoryOf(props.state.category)!;
  return (
    <TpcLayout {...props} page="subcategory" order={['subcategory']}>
      <SummaryList rows={[{ key: 'Catégorie', value: category.label, changeHref: tpcPageUrl(props.fileNumber, 'category') }]} />
      <Form action={tpcPageUrl(props.fileNumber, 'subcategory')}>
        <RadioGroup
          name="subcategory"
          label={`Sous-catégorie : ${category.label}`}
          value={props.values.subcategory}
          error={props.errors.subcategory}
          options={category.subcategories.map((s) => ({ value: s.key, label: s.label }))}
        />
        <SubmitButton>Poursuivre</SubmitButton>
      </Form>
    </TpcLayout>
  );
}

export function TpcObjectPage(props: Common & { state: TpcState; initiator: 'self' | 'other'; values: Values; errors: FieldErrors }) {
  const category = categoryOf(props.state.category)!;
  const v = props.values;
  return (
    <TpcLayout {...props} page="object" order={['object', 'plate', 'diplomatic']}>
      <SummaryList
        rows={[
          { key: 'Motif', value: `${category.label} — ${subcategoryOf(props.state.category, props.state.subcategory)!.label}`, changeHref: tpcPageUrl(props.fileNumber, 'category') },
          { key: 'Demande faite', value: props.initiator === 'self' ? 'Pour moi-même' : 'Pour quelqu’un d’autre : le mandat (cerfa n° 13757) et la pièce d’identité du mandant vous seront demandés' },
        ]}
      />
      <Form action={tpcPageUrl(props.fileNumber, 'object')}>
        <TextArea name="object" label="Objet de la demande" hint="Décrivez précisément ce que vous demandez (2 000 caractères au plus)." value={v.object} error={props.errors.object} maxLength={2000} />
        {category.plate !== 'none' && (
          <TextInput
            name="plate"
            label={category.plate === 'required' ? 'Numéro d’immatriculation du véhicule' : 'Numéro d’immatriculation du véhicule (facultatif)'}
            hint="Par exemple AB-123-CD (repère A de la carte grise)"
            value={v.plate}
            error={props.errors.plate}
          />
        )}
        <Checkbox name="diplomatic" value="oui" checked={v.diplomatic === 'oui'} label="Il s’agit d’un véhicule diplomatique" hint="Les demandes pour un véhicule diplomatique ne nécessitent pas de pièce justificative." error={props.errors.diplomatic} />
        <StepButtons later />
      </Form>
    </TpcLayout>
  );
}

export function TpcHolderPage(props: Common & { values: Values; errors: FieldErrors }) {
  const v = props.values;
  const e = props.errors;
  return (
    <TpcLayout {...props} page="holder" order={['kind', 'birth_name', 'given_names', 'birth_date', 'birth_place', 'company_name', 'siren', 'line1', 'line2', 'postcode', 'commune']}>
      <p>Renseignez l’identité du titulaire du véhicule, telle qu’elle figure (ou doit figurer) sur le certificat d’immatriculation.</p>
      <Form action={tpcPageUrl(props.fileNumber, 'holder')}>
        <RadioGroup
          name="kind"
          label="Le titulaire est"
          value={v.kind}
          error={e.kind}
          options={[
            { value: 'natural', label: 'Une personne physique' },
            { value: 'legal', label: 'Une personne morale (société, association…)' },
          ]}
        />
        <fieldset class="fr-fieldset">
          <legend class="fr-fieldset__legend">Personne physique</legend>
          <div class="fr-fieldset__element">
            <TextInput name="birth_name" label="Nom de naissance" value={v.birth_name} error={e.birth_name} autocomplete="family-name" />
            <TextInput name="given_names" label="Prénom(s)" value={v.given_names} error={e.given_names} autocomplete="given-name" />
            <DateInput name="birth_date" label="Date de naissance" example="27/04/1980" value={v.birth_date} error={e.birth_date} autocomplete="bday" />
            <TextInput name="birth_place" label="Commune de naissance" value={v.birth_place} error={e.birth_place} />
          </div>
        </fieldset>
        <fieldset class="fr-fieldset">
          <legend class="fr-fieldset__legend">Personne morale</legend>
          <div class="fr-fieldset__element">
            <TextInput name="company_name" label="Raison sociale" value={v.company_name} error={e.company_name} autocomplete="organization" />
            <TextInput name="siren" label="Numéro SIREN" hint="9 chiffres" inputMode="numeric" value={v.siren} error={e.siren} />
          </div>
        </fieldset>
        <fieldset class="fr-fieldset">
          <legend class="fr-fieldset__legend">Adresse du titulaire</legend>
          <div class="fr-fieldset__element">
            <TextInput name="line1" label="Numéro et voie" value={v.line1} error={e.line1} autocomplete="address-line1" />
            <TextInput name="line2" label="Complément d’adresse (facultatif)" value={v.line2} error={e.line2} autocomplete="address-line2" />
            <TextInput name="postcode" label="Code postal" inputMode="numeric" value={v.postcode} error={e.postcode} autocomplete="postal-code" />
            <TextInput name="commune" label="Commune" value={v.commune} error={e.commune} autocomplete="address-level2" />
          </div>
        </fieldset>
        <StepButtons later />
      </Form>
    </TpcLayout>
  );
}

/** Part 3: one field per piece; each valid file is kept at once and listed with a "Retirer" button. */
export function TpcPiecesPage(props: Common & { required: TpcPiece[]; optional: TpcPiece[]; anyOf: TpcPiece[]; diplomatic: boolean; sent: Attachment[]; errors: FieldErrors }) {
  const fields = [...new Set([...props.required, ...props.optional])];
  const sentFor = (piece: string) => props.sent.filter((a) => a.purpose === piece).map((a) => a.filename).join(', ') || undefined;
  return (
    <TpcLayout {...props} page="pieces" order={fields.map((f) => `piece_${f}`)}>
      {props.diplomatic ? (
        <Alert kind="info" small>
          Véhicule diplomatique : aucune pièce n’est obligatoire. Vous pouvez en joindre si elles éclairent votre demande.
        </Alert>
      ) : (
        <p>Joignez chaque pièce demandée (numérisée lisiblement, recto et verso si besoin). Chaque fichier valide est conservé dès son envoi.</p>
      )}
      {props.anyOf.length > 0 && <p>Joignez l’une de ces pièces : {props.anyOf.map((p) => TPC_PIECES[p]).join(' ou ')}.</p>}
      {props.sent.length > 0 && (
        <>
          <h2 class="fr-h4">Pièces déjà jointes</h2>
          <ul class="app-attachments">
            {props.sent.map((a) => (
              <li key={a.id} class="fr-mb-2w">
                {PIECE_LABELS[a.purpose] ?? a.purpose} : {a.filename}
                <Form action={`${base(props.fileNumber)}/pieces/${a.id}/retirer`}>
                  <button type="submit" class="fr-btn fr-btn--sm fr-btn--tertiary fr-mt-1v">
                    Retirer<span class="fr-sr-only"> {a.filename}</span>
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        </>
      )}
      <Form action={tpcPageUrl(props.fileNumber, 'pieces')} enctype="multipart/form-data">
        {fields.map((piece) => (
          <FileInput
            key={piece}
            name={`piece_${piece}`}
            label={`${TPC_PIECES[piece]}${props.required.includes(piece) ? '' : ' (facultatif)'}`}
            kept={sentFor(piece)}
            error={props.errors[`piece_${piece}`]}
          />
        ))}
        <FileInput name="piece_other" label="Autre pièce utile (facultatif)" kept={sentFor('other')} error={props.errors.piece_other} />
        {/* "Poursuivre" joins the files chosen too: nothing chosen is lost */}
        <ul class="fr-btns-group fr-btns-group--inline-sm fr-mt-3w">
          <li>
            <button type="submit" name="intent" value="continue" class="fr-btn">
              Poursuivre vers le récapitulatif
            </button>
          </li>
          <li>
            <SubmitButton secondary>Joindre les fichiers</SubmitButton>
          </li>
        </ul>
      </Form>
    </TpcLayout>
  );
}

export function TpcSummaryPage(props: Common & { state: TpcState; initiator: 'self' | 'other'; sent: Attachment[]; taxes: TaxLine[] | null; errors: FieldErrors }) {
  const s = props.state;
  const h = s.holder!;
  const b = base(props.fileNumber);
  return (
    <TpcLayout {...props} page="summary" order={['clu']}>
      <SummaryList
        rows={[
          { key: 'Catégorie', value: categoryOf(s.category)!.label, changeHref: tpcPageUrl(props.fileNumber, 'category') },
          { key: 'Sous-catégorie', value: subcategoryOf(s.category, s.subcategory)!.label, changeHref: tpcPageUrl(props.fileNumber, 'category') },
          { key: 'Objet de la demande', value: <span class="app-thread__body">{s.object}</span>, changeHref: tpcPageUrl(props.fileNumber, 'object') },
          ...(s.plate ? [{ key: 'Immatriculation', value: s.plate, changeHref: tpcPageUrl(props.fileNumber, 'object') }] : []),
          { key: 'Demande faite', value: props.initiator === 'self' ? 'Pour moi-même' : 'Pour quelqu’un d’autre (mandat)' },
          ...(s.diplomatic ? [{ key: 'Véhicule diplomatique', value: 'Oui' }] : []),
          {
            key: 'Titulaire',
            value: h.kind === 'natural' ? `${h.given_names} ${h.birth_name}, né(e) le ${h.birth_date!.split('-').reverse().join('/')} à ${h.birth_place}` : `${h.company_name} (SIREN ${h.siren})`,
            changeHref: tpcPageUrl(props.fileNumber, 'holder'),
          },
          { key: 'Adresse', value: [h.line1, h.line2, `${h.postcode} ${h.commune}`].filter(Boolean).join(', '), changeHref: tpcPageUrl(props.fileNumber, 'holder') },
          { key: 'Pièces jointes', value: props.sent.length ? props.sent.map((a) => `${PIECE_LABELS[a.purpose] ?? a.purpose} : ${a.filename}`).join(' ; ') : 'Aucune', changeHref: tpcPageUrl(props.fileNumber, 'pieces') },
          ...(props.taxes ? [{ key: 'Montant à payer', value: formatEuros(props.taxes.at(-1)!.amountCents) }] : []),
        ]}
      />
      {props.taxes && (
        <>
          <p>Cette demande fait établir un nouveau certificat d’immatriculation : vous la payez par carte bancaire après l’avoir validée, puis elle est transmise au centre d’instruction.</p>
          <Accordion title="Détail des taxes">
            <TaxDetail lines={props.taxes} />
          </Accordion>
        </>
      )}
      <Form action={`${b}/confirmer`}>
        <Checkbox name="clu" value="oui" label="J’accepte les conditions légales d’utilisation et je certifie exactes les informations de la demande *" hint={FALSE_DECLARATION_WARNING} error={props.errors.clu} />
        <p class="fr-hint-text">* Case obligatoire.</p>
        <SubmitButton>Valider la demande</SubmitButton>
      </Form>
    </TpcLayout>
  );
}

/** After submission: where the request stands, the centre's note, the thread, and the answer when asked. */
/** Validated, with taxes: the card payment, after which the request goes to the centre. */
export function TpcPaymentPage(props: Common & { amountCents: number; canPay: boolean; idempotencyKey: string }) {
  return (
    <TpcLayout {...props} page="payment">
      <PaymentDue
        intro="Votre demande est enregistrée et vous attend dans « Mon espace véhicule » jusqu’au paiement ; elle sera transmise au centre d’instruction dès le paiement enregistré."
        action={`${base(props.fileNumber)}/payer`}
        amountCents={props.amountCents}
        canPay={props.canPay}
        idempotencyKey={props.idempotencyKey}
      />
    </TpcLayout>
  );
}

export function TpcStatusPage(props: Common & { status: ProcedureStatus; note: string | null; sent: Attachment[]; messages: ThreadMessage[]; values: Values; errors: FieldErrors }) {
  const b = base(props.fileNumber);
  return (
    <TpcLayout {...props} page="done" order={['message', 'piece_other', 'user_message', 'user_message_file']}>
      {props.status === 'awaiting_review' && (
        <Alert kind="success" title="Demande transmise au centre d’instruction">
          <p>Le centre d’instruction va examiner votre demande et ses pièces. Vous recevrez un courriel dès qu’il vous aura répondu.</p>
        </Alert>
      )}
      {props.status === 'to_complete' && (
        <Alert kind="warning" title="Le centre d’instruction vous demande un complément">
          <p>{props.note ?? 'Lisez les messages ci-dessous.'}</p>
        </Alert>
      )}
      {props.status === 'completed' && (
        <Alert kind="success" title="Demande traitée">
          <p>{props.note ?? 'Le centre d’instruction a traité votre demande.'}</p>
        </Alert>
      )}
      {props.status === 'rejected' && (
        <Alert kind="error" title="Demande rejetée">
          <p>{props.note ?? 'Le centre d’instruction a rejeté votre demande.'} Vous pouvez faire une nouvelle demande.</p>
        </Alert>
      )}
      <p>
        <a href={`/vehicules/demandes/${props.fileNumber}/recapitulatif.pdf`}>Récapitulatif de la demande (PDF)</a>
      </p>
      <h2 class="fr-h4">Pièces envoyées</h2>
      <AttachmentList items={props.sent} hrefFor={(a) => `/vehicules/demandes/${props.fileNumber}/pieces/${a.id}`} labels={PIECE_LABELS} />
      <h2 class="fr-h4">Messages</h2>
      <MessageThread messages={props.messages} viewer="user" />
      {props.status === 'awaiting_review' && <UserMessageForm action={`${b}/message`} value={props.values.user_message} errors={props.errors} />}
      {props.status === 'to_complete' && (
        <>
          <h2 class="fr-h4">Répondre au centre d’instruction</h2>
          <Form action={`${b}/complement`} enctype="multipart/form-data">
            <TextArea name="message" label="Votre réponse" value={props.values.message} error={props.errors.message} maxLength={2000} />
            <FileInput name="piece_other" label="Pièce complémentaire (facultatif)" error={props.errors.piece_other} />
            <SubmitButton>Envoyer</SubmitButton>
          </Form>
        </>
      )}
    </TpcLayout>
  );
}
