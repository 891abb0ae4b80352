/**
 * The payment port: what the portal needs from a card-payment provider. The embedded mode uses
 * the built-in simulated provider; production plugs a real one (PayFiP-style) behind the same port.
 */
export type ProviderStatus = 'pending' | 'paid' | 'declined' | 'error' | 'cancelled';

export interface PaymentProvider {
  readonly name: string;
  /** Opens a transaction; the user is sent to `redirectUrl` (the provider's hosted page). */
  start(req: { reference: string; amountCents: number; description: string; payerEmail?: string }): Promise<{ transactionId: string; redirectUrl: string }>;
  /** The hosted page of an open transaction (to resume it after a double click). */
  redirectUrl(transactionId: string): string;
  /** Asks the provider where the transaction stands (the return URL carries nothing). */
  status(transactionId: string): Promise<ProviderStatus>;
}
