import { z } from 'zod';
import { parseFormDateTime } from '../../platform/time.ts';

/**
 * Maintenance notices (terms of use §1.4 and §1.8): an operator announces a banner shown on every
 * page during its window, or an unavailability window during which every page answers 503 with the
 * "service indisponible" page. Planned unavailability is announced on the home page in advance.
 */
export const NOTICE_KINDS = ['banner', 'unavailable'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** How long before an unavailability window the home page announces it. */
export const ANNOUNCE_DAYS = 30;

export const noticeInput = z
  .object({
    kind: z.enum(NOTICE_KINDS, { error: 'Choisissez le type : bandeau ou indisponibilité' }),
    message: z
      .string({ error: 'Saisissez le message affiché aux usagers' })
      .trim()
      .min(1, 'Saisissez le message affiché aux usagers')
      .max(500, 'Le message doit faire 500 caractères au plus'),
    startsAt: z.coerce.date({ error: 'Saisissez une date de début valide' }),
    endsAt: z.coerce.date({ error: 'Saisissez une date de fin valide' }),
    createdBy: z.string().min(1),
  })
  .refine((n) => n.endsAt > n.startsAt, { message: 'La fin doit être après le début', path: ['endsAt'] });
export type NoticeInput = z.infer<typeof noticeInput>;

export const NOTICE_KIND_LABELS: Record<NoticeKind, string> = {
  banner: 'Bandeau d’information',
  unavailable: 'Indisponibilité du service',
};

const dateTimeField = (what: 'début' | 'fin') =>
  z
    .string({ error: `Saisissez la date et l’heure de ${what}` })
    .trim()
    .min(1, `Saisissez la date et l’heure de ${what}`)
    .transform((value, ctx) => {
      const date = parseFormDateTime(value);
      if (date) return date;
      ctx.addIssue({ code: 'custom', message: `Saisissez une date et une heure de ${what} valides, par exemple 01/12/2026 22:00` });
      return z.NEVER;
    });

/** The back-office form (field names as posted): times in Paris time; the window must end in the future. */
export const noticeFormSchema = (now: Date) =>
  z
    .object({
      kind: z.enum(NOTICE_KINDS, { error: 'Choisissez le type d’avis : bandeau d’information ou indisponibilité du service' }),
      message: z
        .string({ error: 'Saisissez le message affiché aux usagers' })
        .trim()
        .min(1, 'Saisissez le message affiché aux usagers')
        .max(500, 'Le message doit faire 500 caractères au plus'),
      starts_at: dateTimeField('début'),
      ends_at: dateTimeField('fin'),
    })
    .superRefine((n, ctx) => {
      if (n.ends_at <= n.starts_at) ctx.addIssue({ code: 'custom', path: ['ends_at'], message: 'La fin doit être après le début' });
      else if (n.ends_at <= now) ctx.addIssue({ code: 'custom', path: ['ends_at'], message: 'La fin doit être dans le futur : un avis terminé ne serait jamais affiché' });
    });

export interface Notice {
  id: number;
  kind: NoticeKind;
  message: string;
  startsAt: Date;
  endsAt: Date;
}

export interface MaintenanceState {
  banners: Notice[];
  /** the unavailability in force now, if any */
  unavailable: Notice | null;
  /** unavailability windows starting within ANNOUNCE_DAYS */
  planned: Notice[];
}

/** Sorts notices in force and to come at `now` into the state pages need. Pure. */
export function maintenanceStateAt(notices: Notice[], now: Date): MaintenanceState {
  const active = (n: Notice) => n.startsAt <= now && now < n.endsAt;
  const horizon = new Date(now.getTime() + ANNOUNCE_DAYS * 86_400_000);
  return {
    banners: notices.filter((n) => n.kind === 'banner' && active(n)),
    unavailable: notices.find((n) => n.kind === 'unavailable' && active(n)) ?? null,
    planned: notices
      .filter((n) => n.kind === 'unavailable' && n.startsAt > now && n.startsAt <= horizon)
      .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime()),
  };
}
