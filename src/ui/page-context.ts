import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { AssetUrls } from '../platform/http/assets.ts';
import type { Flash } from '../platform/http/session.ts';

export interface NoticeView {
  message: string;
  startsAt: Date;
  endsAt: Date;
}

/** What every page needs to know about the request it answers. */
export interface PageContext {
  path: string;
  assets: AssetUrls;
  csrfToken: () => string;
  /** `profile`: the account's profile for a user (accounts/model.ts), absent for an agent */
  user: { displayName: string; kind: 'user' | 'agent'; profile?: string } | null;
  banners: NoticeView[];
  flash: Flash[];
  devOutbox: boolean;
  requestId: string;
}

export const PageContextValue = createContext<PageContext | null>(null);

export function usePage(): PageContext {
  const ctx = useContext(PageContextValue);
  if (!ctx) throw new Error('PageContext manquant : rendez la page avec reply.render()');
  return ctx;
}
