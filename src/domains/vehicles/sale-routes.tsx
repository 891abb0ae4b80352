import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../../platform/http/guards.ts';
import { SaleDeclarationPage, SaleDocumentsPage, SaleDonePage, SaleStartPage, SaleSummaryPage, VerificationPage } from '../../views/pages/vehicles/sale.tsx';
import type { SaleService } from './sale-service.ts';
import type { IssuedDocumentKind, VehicleProcedure } from './tables.ts';

type Body = Record<string, string | undefined>;
type Params = { Params: { file: string } };
const body = (request: FastifyRequest): Body => (request.body ?? {}) as Body;

/** The five tabs of the declaration of sale, inside the signed-in scope of "Mon espace véhicule". */
export function registerSaleRoutes(scope: FastifyInstance, sales: SaleService): void {
  async function procedure(request: FastifyRequest<Params>, reply: FastifyReply): Promise<VehicleProcedure | null> {
    const p = await sales.load(request.account!, request.params.file);
    if (!p || (p.status !== 'in_progress' && p.status !== 'completed')) {
      await reply.callNotFound();
      return null;
    }
    return p;
  }

  async function render(request: FastifyRequest<Params>, reply: FastifyReply, p: VehicleProcedure, errors: Record<string, string> = {}, values?: Body) {
    const sale = sales.stateOf(p);
    const { plate, holder } = await sales.vehicleLabel(p);
    const status = Object.keys(errors).length ? 400 : 200;
    switch (sale.step) {
      case 'start':
        // signed in, the account is the proof of a person: no anti-robot question (rate limits guard the codes)
        return reply.render(<SaleStartPage fileNumber={p.file_number} plate={plate} blocked={await sales.blocked(p)} errors={errors} />, status);
      case 'documents':
        return reply.render(<SaleDocumentsPage fileNumber={p.file_number} plate={plate} />);
      case 'declaration':
        return reply.render(<SaleDeclarationPage fileNumber={p.file_number} plate={plate} holder={holder} values={values ?? ((sale.declaration as Body | undefined) ?? {})} errors={errors} />, status);
      case 'summary':
        return reply.render(<SaleSummaryPage fileNumber={p.file_number} plate={plate} content={(await sales.summary(p))!} errors={errors} />, status);
      case 'done': {
        const key = `cessionCode:${p.file_number}`;
        const code = request.session.get<string>(key) ?? null;
        request.session.set(key, undefined); // shown once
        return reply.render(<SaleDonePage fileNumber={p.file_number} plate={plate} code={code} documents={await sales.documents(p)} />);
      }
    }
  }

  scope.get<Params>('/vehicules/demandes/:file/cession', async (request, reply) => {
    const p = await procedure(request, reply);
    if (p) return render(request, reply, p);
  });

  scope.post<Params>('/vehicules/demandes/:file/cession/commencer', async (request, reply) => {
    const p = await procedure(request, reply);
    if (!p) return;
    const form = body(request);
    if (await sales.blocked(p)) return render(request, reply, p);
    if (form.understood !== 'oui') return render(request, reply, p, { understood: 'Cochez la case pour indiquer que vous avez compris ces informations' });
    await sales.advance(p, 'start');
    return reply.redirect(`/vehicules/demandes/${p.file_number}/cession`, 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/cession/documents', async (request, reply) => {
    const p = await procedure(request, reply);
    if (!p) return;
    await sales.advance(p, 'documents');
    return reply.redirect(`/vehicules/demandes/${p.file_number}/cession`, 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/cession/declaration', async (request, reply) => {
    const p = await procedure(request, reply);
    if (!p) return;
    const form = body(request);
    const outcome = sales.stateOf(p).step === 'declaration' ? await sales.declare(p, form) : { ok: true as const, value: null };
    if (!outcome.ok) return render(request, reply, p, outcome.errors, form);
    return reply.redirect(`/vehicules/demandes/${p.file_number}/cession`, 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/cession/modifier', async (request, reply) => {
    const p = await procedure(request, reply);
    if (!p) return;
    await sales.goTo(p, 'declaration');
    return reply.redirect(`/vehicules/demandes/${p.file_number}/cession`, 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/cession/confirmer', async (request, reply) => {
    const p = await procedure(request, reply);
    if (!p) return;
    if (sales.stateOf(p).step === 'done') return reply.redirect(`/vehicules/demandes/${p.file_number}/cession`, 303); // double click
    if (body(request).certify !== 'oui') return render(request, reply, p, { certify: 'Cochez la case pour certifier les informations de la déclaration' });
    const outcome = await sales.confirm(p, actorOf(request));
    if (!outcome.ok) return render(request, reply, p, outcome.errors);
    request.session.set(`cessionCode:${p.file_number}`, outcome.value.code);
    return reply.redirect(`/vehicules/demandes/${p.file_number}/cession`, 303);
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
