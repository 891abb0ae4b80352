import type { FastifyInstance, FastifyRequest } from 'fastify';
import { documentSigner, publishedCertificate, trustedKeyFromCertificate } from '../../platform/seal/keys.ts';
import { GS, US } from '../../platform/seal/two-d-doc.ts';
import { TwoDDocVerificationPage } from './pages.tsx';
import { verifySeal } from './service.ts';

const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;

/** "<GS>"/"<US>" (or the control pictures ␝ ␟) as the separators they stand for. */
export const messageFromForm = (text: string): string =>
  text
    .trim()
    .replace(/<GS>|\u241D/gi, GS)
    .replace(/<US>|\u241F/gi, US)
    .replace(/[\r\n]+/g, '');
export const messageForForm = (message: string): string => message.replaceAll(GS, '<GS>').replaceAll(US, '<US>');

/** The seals the verification trusts: those the key of the published certificate verifies. */
const trustedKeys = () => {
  const certificate = publishedCertificate();
  return certificate ? [trustedKeyFromCertificate(certificate)] : [];
};

/** Public: the 2D-Doc verification page and the X.509 certificate of the portal's seal key. */
export function registerDocumentVerificationRoutes(app: FastifyInstance): void {
  const certificateUrl = () => {
    const s = documentSigner();
    return `${app.config.publicUrl}/2d-doc/certificats/${s.caId}${s.certificateId}.pem`;
  };

  app.get<{ Params: { id: string } }>('/2d-doc/certificats/:id', async (request, reply) => {
    const s = documentSigner();
    const certificate = publishedCertificate();
    if (request.params.id !== `${s.caId}${s.certificateId}.pem` || !certificate) return reply.callNotFound();
    // the seal's certificate, then the certificate of the authority that issued it
    return reply.type('application/x-pem-file').header('cache-control', 'public, max-age=86400').send(certificate);
  });

  app.get('/verification/2d-doc', (_request, reply) => reply.render(<TwoDDocVerificationPage certificateUrl={certificateUrl()} />));

  app.post('/verification/2d-doc', async (request, reply) => {
    const text = String(body(request).message ?? '');
    if (!text.trim())
      return reply.render(<TwoDDocVerificationPage message={text} errors={{ message: 'Collez le texte du 2D-Doc, lu avec un lecteur de 2D-Doc.' }} certificateUrl={certificateUrl()} />, 400);
    const verdict = await verifySeal(app.database.db, messageFromForm(text), trustedKeys());
    return reply.render(<TwoDDocVerificationPage message={text} verdict={verdict} certificateUrl={certificateUrl()} />);
  });
}
