import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../../../platform/http/guards.ts';
import { draftsHome } from '../procedures/drafts-home.ts';
import { SaleBuyerPage, SaleDeclarationPage, SaleDocumentsPage, SaleDonePage, salePageUrl, SaleStartPage, SaleSummaryPage, VerificationPage } from './pages.tsx';
import { salePageOfSlug, type SalePage } from './model.ts';
import type { SaleService } from './service.ts';
import type { SaleReceipts } from './receipt.ts';
import { measuredPdfSize } from '../../../platform/pdf/measured-size.ts';
import type { IssuedDocumentKind, VehicleProcedure } from '../tables.ts';

type Body = Record<string, string | undefined>;
type Params = { Params: { file: string } };
const body = (request: FastifyRequest): Body => (request.body ?? {}) as Body;

/**
 * The declaration of sale, inside the signed-in scope of "Mon espace véhicule": five tabs, each page
 * at its own address (…/cession/commencer, /documents, /acheteur, /declaration, /recapitulatif,
 * /fin). GET shows a page, POST saves it and redirects to the next one (a refused form is shown
 * again with what was typed); a page not reachable yet redirects to the first unfinished one.
 */
export function registerSaleRoutes(scope: FastifyInstance, sales: SaleService, receipts: SaleReceipts): void {
  const url = (p: VehicleProcedure, page: SalePage) => salePageUrl(p.file_number, page);

  async function procedure(request: FastifyRequest<Params>, reply: FastifyReply): Promise<VehicleProcedure | null> {
    const p = await sales.load(request.account!, request.params.file);
    if (!p || (p.status !== 'in_progress' && p.status !== 'completed')) {
      await reply.callNotFound();
      return null;
    }
    return p;
  }

  async function render(request: FastifyRequest<Params>, reply: FastifyReply, p: VehicleProcedure, page: SalePage, errors: Record<string, string> = {}, values?: Body) {
    const sale = sales.stateOf(p);
    const status = Object.keys(errors).length ? 400 : 200;
    if (page === 'summary') {
      // the summary's content holds the plate and the holder (the seller) already
      const content = (await sales.summary(p))!;
      return reply.render(<SaleSummaryPage fileNumber={p.file_number} plate={content.plate} content={content} errors={errors} />, status);
    }
    const { plate, holder, blocked } = await sales.vehicleOf(p);
    switch (page) {
      case 'start':
        // signed in, the account is the proof of a person: no anti-robot question (rate limits guard the codes)
        return reply.render(<SaleStartPage fileNumber={p.file_number} plate={plate} blocked={blocked} errors={errors} />, status);
      case 'documents':
        return reply.render(<SaleDocumentsPage fileNumber={p.file_number} plate={plate} />);
      case 'buyer':
        return reply.render(<SaleBuyerPage fileNumber={p.file_number} plate={plate} holder={holder} kind={sales.buyerKind(p)} errors={errors} />, status);
      case 'declaration': {
        const kept = values ?? { ...((sale.declaration as Body | undefined) ?? {}), ...(sale.draft ?? {}) };
        return reply.render(<SaleDeclarationPage fileNumber={p.file_number} plate={plate} holder={holder} kind={sales.buyerKind(p)!} values={kept} errors={errors} />, status);
      }
      case 'done': {
        const key = `cessionCode:${p.file_number}`;
        const code = request.session.get<string>(key) ?? null;
        request.session.set(key, undefined); // shown once
        const documents = await sales.documents(p);
        // each link states the size of the very PDF it serves, recorded when the sale was confirmed
        // (a declaration confirmed before sizes were recorded: measured once per document)
        const sizes = await Promise.all(documents.map((d) => sales.documentSize(d)));
        const certificate = p.status === 'completed' ? documents.find((d) => d.kind === 'certificat_cession') : undefined; // the accusé's own rule (receipt.ts)
        const receiptBytes = certificate ? (sale.receiptBytes ?? (await measuredPdfSize(`accuse:${certificate.token}`, () => receipts.pdfOfCertificate(certificate)))) : null;
        return reply.render(<SaleDonePage fileNumber={p.file_number} plate={plate} code={code} documents={documents.map((d, i) => ({ token: d.token, kind: d.kind, bytes: sizes[i] ?? null }))} receiptBytes={receiptBytes} />);
      }
    }
  }

  /** The procedure's entry ("Reprendre"): the first unfinished page, shown in place (its own address is in its links). */
  scope.get<Params>('/vehicules/demandes/:file/cession', async (request, reply) => {
    const p = await procedure(request, reply);
    if (p) return render(request, reply, p, sales.currentPage(p));
  });

  scope.get<{ Params: { file: string; page: string } }>('/vehicules/demandes/:file/cession/:page', async (request, reply) => {
    const page = salePageOfSlug(request.params.page);
    if (!page) return reply.callNotFound();
    const p = await procedure(request, reply);
    if (!p) return;
    if (!sales.canShow(p, page)) return reply.redirect(url(p, sales.currentPage(p)), 303);
    return render(request, reply, p, page);
  });

  scope.post<Params>('/vehicules/demandes/:file/cession/commencer', async (request, reply) => {
    const p = await procedure(request, reply);
    if (!p) return;
    if (!sales.canShow(p, 'start')) return reply.redirect(url(p, sales.currentPage(p)), 303);
    const form = body(request);
    if ((await sales.vehicleOf(p)).blocked) return render(request, reply, p, 'start');
    if (form.understood !== 'oui') return render(request, reply, p, 'start', { understood: 'Cochez la case pour indiquer que vous avez compris ces informations' });
    await sales.advance(p, 'start');
    return reply.redirect(url(p, 'documents'), 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/cession/documents', async (request, reply) => {
    const p = await procedure(request, reply);
    if (!p) return;
    if (!sales.canShow(p, 'documents')) return reply.redirect(url(p, sales.currentPage(p)), 303);
    await sales.advance(p, 'documents');
    return reply.redirect(url(p, 'buyer'), 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/cession/acheteur', async (request, reply) => {
    const p = await procedure(request, reply);
    if (!p) return;
    if (!sales.canShow(p, 'buyer')) return reply.redirect(url(p, sales.currentPage(p)), 303);
    const outcome = await sales.chooseBuyer(p, body(request).buyer_kind);
    if (!outcome.ok) return render(request, reply, p, 'buyer', outcome.errors);
    return reply.redirect(url(p, 'declaration'), 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/cession/declaration', async (request, reply) => {
    let p = await procedure(request, reply);
    if (!p) return;
    const form = body(request);
    // the buyer's kind may come with the fields (an API client, a form of an older page): it is chosen first
    if (form.buyer_kind && sales.canShow(p, 'buyer') && form.buyer_kind !== sales.buyerKind(p)) {
      const chosen = await sales.chooseBuyer(p, form.buyer_kind);
      if (chosen.ok) p = chosen.value;
    }
    if (!sales.canShow(p, 'declaration')) return reply.redirect(url(p, sales.currentPage(p)), 303);
    if (form.intent === 'later') {
      await sales.saveDraft(p, form);
      const home = draftsHome(request.server);
      request.session.flash('success', `Votre déclaration de cession ${p.file_number} est enregistrée en brouillon, avec ce que vous avez saisi. Vous la retrouverez dans « ${home.label} », pour la reprendre où vous l’avez laissée.`);
      return reply.redirect(home.href, 303);
    }
    const outcome = await sales.declare(p, form);
    if (!outcome.ok) return render(request, reply, p, 'declaration', outcome.errors, form);
    return reply.redirect(url(p, 'summary'), 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/cession/confirmer', async (request, reply) => {
    const p = await procedure(request, reply);
    if (!p) return;
    if (sales.stateOf(p).step === 'done') return reply.redirect(url(p, 'done'), 303); // double click
    if (!sales.canShow(p, 'summary')) return reply.redirect(url(p, sales.currentPage(p)), 303);
    if (body(request).certify !== 'oui') return render(request, reply, p, 'summary', { certify: 'Cochez la case pour certifier les informations de la déclaration' });
    const outcome = await sales.confirm(p, actorOf(request));
    if (!outcome.ok) return render(request, reply, p, 'summary', outcome.errors);
    request.session.set(`cessionCode:${p.file_number}`, outcome.value.code);
    return reply.redirect(url(p, 'done'), 303);
  });

  scope.get<{ Params: { file: string; kind: string } }>('/vehicules/demandes/:file/documents/:kind', async (request, reply) => {
    const kind = request.params.kind.replace(/\.pdf$/, '') as IssuedDocumentKind;
    if (kind !== 'certificat_cession' && kind !== 'csa') return reply.callNotFound();
    const pdf = await sales.pdf(request.account!, request.params.file, kind);
    if (!pdf) return reply.callNotFound();
    return reply.type('application/pdf').header('content-disposition', `inline; filename="${kind}-${request.params.file}.pdf"`).send(pdf);
  });
}

/** Public: anyone holding a printed document checks it here (the QR code leads here). */
export function registerVerificationRoute(app: FastifyInstance, sales: SaleService): void {
  app.get<{ Params: { token: string } }>('/verification/:token', async (request, reply) => {
    const doc = await sales.verify(request.params.token);
    return reply.render(<VerificationPage doc={doc ? { ...doc, content: doc.content as unknown as { fileNumber: string; saleAt?: string; validUntil?: string } } : null} />, doc ? 200 : 404);
  });
}
