import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Attachments } from '../../platform/files/attachments.ts';
import { createNotificationLimiter, type NotificationLimiter } from '../../platform/payment/notification-limit.ts';
import type { PaymentProvider } from '../../platform/payment/port.ts';
import { registerPaymentRoutes } from '../../platform/payment/routes.tsx';
import { createPaymentService, type PaymentService } from '../../platform/payment/service.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { AgentsService } from '../agents/service.ts';
import { createAddressService } from './address/service.ts';
import { createTpcService } from './complementary/service.ts';
import { createDuplicateService } from './duplicate/service.ts';
import { registerVehicleRoutes } from './procedures/routes.tsx';
import { createVehiclesService } from './procedures/service.ts';
import { registerVerificationRoute } from './sale/routes.tsx';
import { createSaleService } from './sale/service.ts';
import { registerTaxAdminRoutes } from './taxes/admin-routes.tsx';
import { createTaxAdmin } from './taxes/admin.ts';
import { registerTaxRoutes } from './taxes/routes.tsx';
import { createTaxService } from './taxes/service.ts';
import { createTransferService } from './transfer/service.ts';

/** The page of a paid vehicle procedure, where the payment's return lands. */
const PAID_STEP = { address_change: 'adresse', duplicate: 'duplicata', holder_change: 'titulaire', sale_declaration: 'cession', complementary: 'complementaire' } as const;

/**
 * The vehicles domain: "Mon espace véhicule" and its procedures, the sale's verification page, the
 * taxes (simulator and operators' rates) — and card payments, which only vehicle procedures take:
 * with a `provider`, the payment service and its routes (return, signed notification), whose
 * settlement finalizes the paid procedure. Returns what the job worker needs.
 */
export function registerVehicles(
  app: FastifyInstance,
  deps: { db: Db; config: Config; attachments: Attachments; accounts: AccountsService; agents: AgentsService; provider: PaymentProvider | null; notificationKey: Buffer },
): { payments: PaymentService | null; notificationLimiter: NotificationLimiter } {
  const { db, config, attachments } = deps;
  const sales = createSaleService({ db, config });
  const taxes = createTaxService(db);
  const transfers = createTransferService({ db, config, sales, taxes });
  const addresses = createAddressService({ db, config, taxes });
  const duplicates = createDuplicateService({ db, config, taxes, attachments });
  const tpc = createTpcService({ db, config, attachments, taxes });
  const onPaid = async (trx: Db, payment: { procedure_id: number }): Promise<void | 'refused'> => {
    // each finalizer acts only on its own kind of procedure; one that refuses (vehicle sold meanwhile) closed it
    await transfers.finalizePaid(trx, payment.procedure_id);
    if ((await addresses.finalizePaid(trx, payment.procedure_id)) === 'refused') return 'refused';
    if ((await duplicates.finalizePaid(trx, payment.procedure_id)) === 'refused') return 'refused';
    await tpc.finalizePaid(trx, payment.procedure_id);
  };
  const payments = deps.provider ? createPaymentService({ db, provider: deps.provider, onPaid }) : null;
  const notificationLimiter = createNotificationLimiter(db);
  if (payments) {
    registerPaymentRoutes(app, payments, {
      notificationKey: deps.notificationKey,
      limiter: notificationLimiter,
      procedureUrl: async (id) => {
        const p = await db.selectFrom('vehicle_procedures').select(['file_number', 'kind']).where('id', '=', id).executeTakeFirstOrThrow();
        return `/vehicules/demandes/${p.file_number}/${PAID_STEP[p.kind]}`;
      },
    });
  }
  registerVehicleRoutes(app, createVehiclesService({ db, config }), sales, transfers, addresses, duplicates, tpc, payments, deps.accounts);
  registerVerificationRoute(app, sales);
  registerTaxRoutes(app, taxes);
  registerTaxAdminRoutes(app, deps.agents, createTaxAdmin(db));
  return { payments, notificationLimiter };
}
