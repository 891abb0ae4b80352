import type { FastifyInstance } from 'fastify';
import type { SaleReceipts } from './receipt.ts';

/** The accusé d'enregistrement of a declaration of sale, for the seller's declaration and the buyer's change of holder. */
export function registerSaleReceiptRoutes(scope: FastifyInstance, receipts: SaleReceipts): void {
  scope.get<{ Params: { file: string } }>('/vehicules/demandes/:file/accuse-enregistrement.pdf', async (request, reply) => {
    const pdf = await receipts.pdf(request.account!, request.params.file);
    if (!pdf) return reply.callNotFound(); // another user's file number, or no declaration tied to it yet
    return reply.type('application/pdf').header('content-disposition', `inline; filename="accuse-enregistrement-${request.params.file}.pdf"`).send(pdf);
  });
}
