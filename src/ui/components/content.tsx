import type { ComponentChildren } from 'preact';
import { Unbroken } from './unbroken.tsx';

export function Alert(props: {
  kind: 'info' | 'success' | 'warning' | 'error';
  title?: string;
  children?: ComponentChildren;
  small?: boolean;
}) {
  return (
    <div
      class={`fr-alert fr-alert--${props.kind}${props.small ? ' fr-alert--sm' : ''} fr-mb-3w`}
      role={props.kind === 'error' ? 'alert' : undefined}
    >
      {props.title && <h2 class="fr-alert__title">{props.title}</h2>}
      {typeof props.children === 'string' ? <p>{props.children}</p> : props.children}
    </div>
  );
}

/** DSFR stepper: "Étape 2 sur 4", the current step's title and the next one. */
export function Stepper({ steps, current, nextKnown = true }: { steps: string[]; current: number; nextKnown?: boolean }) {
  const next = nextKnown ? steps[current + 1] : undefined;
  return (
    <div class="fr-stepper">
      <h2 class="fr-stepper__title">
        {steps[current]}
        <span class="fr-stepper__state">
          Étape {current + 1} sur {steps.length}
        </span>
      </h2>
      <div class="fr-stepper__steps" data-fr-current-step={current + 1} data-fr-steps={steps.length}></div>
      {next && (
        <p class="fr-stepper__details">
          <span class="fr-text--bold">Étape suivante :</span> {next}
        </p>
      )}
    </div>
  );
}

export interface SummaryRow {
  key: string;
  value: ComponentChildren;
  /** link to change this answer; the link text names what it changes for screen readers */
  changeHref?: string;
}

/** Check-your-answers list with "Modifier" links (GOV.UK summary list in DSFR styles). */
export function SummaryList({ rows }: { rows: SummaryRow[] }) {
  return (
    <dl class="app-summary-list">
      {rows.map((row) => (
        <div class="app-summary-list__row" key={row.key}>
          <dt class="app-summary-list__key">{row.key}</dt>
          <dd class="app-summary-list__value">{typeof row.value === 'string' ? <Unbroken text={row.value} /> : row.value}</dd>
          {row.changeHref && (
            <dd class="app-summary-list__actions">
              <a class="fr-link" href={row.changeHref}>
                Modifier<span class="fr-sr-only"> : {row.key.toLowerCase()}</span>
              </a>
            </dd>
          )}
        </div>
      ))}
    </dl>
  );
}

export function Table(props: {
  /** null: the heading just before the table names it (a caption would say it a second time, to the eye and to a screen reader) */
  caption: string | null;
  headers: string[];
  rows: ComponentChildren[][];
  empty?: string;
}) {
  if (!props.rows.length && props.empty) return <p>{props.empty}</p>;
  return (
    <div class="fr-table fr-table--no-scroll app-table">
      <table>
        {props.caption !== null && <caption>{props.caption}</caption>}
        <thead>
          <tr>
            {props.headers.map((h) => (
              <th scope="col" key={h}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((cells, i) => (
            <tr key={i}>
              {cells.map((c, j) => (
                <td key={j} data-label={props.headers[j]}>
                  {c}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Page links: `hrefFor(n)` builds the URL of page n (1-based). Shows first, last and neighbours. */
export function Pagination({ page, pageCount, hrefFor }: { page: number; pageCount: number; hrefFor: (n: number) => string }) {
  if (pageCount <= 1) return null;
  const shown = [...new Set([1, page - 1, page, page + 1, pageCount])].filter((n) => n >= 1 && n <= pageCount);
  return (
    <nav role="navigation" class="fr-pagination fr-mt-3w" aria-label="Pagination">
      <ul class="fr-pagination__list">
        <li>
          {page > 1 ? (
            <a class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label" href={hrefFor(page - 1)}>
              Page précédente
            </a>
          ) : (
            <a class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label" aria-disabled="true" role="link">
              Page précédente
            </a>
          )}
        </li>
        {shown.map((n, i) => (
          <li key={n}>
            {i > 0 && n - (shown[i - 1] ?? n) > 1 && <span class="fr-pagination__link fr-displayed-lg">…</span>}
            <a
              class="fr-pagination__link"
              href={hrefFor(n)}
              aria-current={n === page ? 'page' : undefined}
              title={`Page ${n}`}
            >
              {n}
            </a>
          </li>
        ))}
        <li>
          {page < pageCount ? (
            <a class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label" href={hrefFor(page + 1)}>
              Page suivante
            </a>
          ) : (
            <a class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label" aria-disabled="true" role="link">
              Page suivante
            </a>
          )}
        </li>
      </ul>
    </nav>
  );
}

export function Breadcrumb({ items }: { items: { href?: string; label: string }[] }) {
  return (
    <nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :">
      <ol class="fr-breadcrumb__list">
        {items.map((item, i) => (
          <li key={i}>
            {item.href && i < items.length - 1 ? (
              <a class="fr-breadcrumb__link" href={item.href}>
                <Unbroken text={item.label} />
              </a>
            ) : (
              <a class="fr-breadcrumb__link" aria-current="page">
                <Unbroken text={item.label} />
              </a>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

/**
 * A DSFR accordion that needs no JavaScript: the browser's own disclosure (`<details>`), with the
 * look of DSFR's accordion (public/app.css turns the chevron when it is open).
 */
export function Accordion({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <details class="fr-accordion app-accordion fr-mb-3w">
      <summary class="fr-accordion__btn">{title}</summary>
      <div class="app-accordion__body">{children}</div>
    </details>
  );
}
