import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { AssetUrls } from '../platform/http/assets.ts';
import { formatWindow } from './format.ts';
import { usePage, type PageContext } from './page-context.ts';
import { htmlFor, staticHtml } from './rendered-once.tsx';
import { SessionTimeout } from './components/session-timeout.tsx';
import { MarianneBlock } from './components/marianne-block.tsx';

export const SERVICE_NAME = 'Portail des titres sécurisés';
export const SERVICE_TAGLINE = 'Carte grise, permis de conduire, carte d’identité et passeport';

interface NavItem {
  href: string;
  label: string;
  /** other paths under which the entry is the current page */
  also?: string[];
}

const PUBLIC_NAV: NavItem[] = [
  { href: '/', label: 'Accueil' },
  { href: '/demarches/carte-grise', label: 'Carte grise' },
  { href: '/demarches/permis-de-conduire', label: 'Permis de conduire' },
  { href: '/demarches/carte-identite-passeport', label: 'Carte d’identité et passeport' },
  { href: '/lieux', label: 'Trouver un lieu' },
  { href: '/aide', label: 'Aide et contact' },
];

/** A town hall records identity-card and passport applications: its menu holds only that. */
const TOWN_HALL_NAV: NavItem[] = [
  { href: '/', label: 'Accueil' },
  { href: '/mairie/pre-demandes', label: 'Pré-demandes à recueillir' },
  { href: '/mairie/documentation', label: 'Documentation' },
  { href: '/lieux', label: 'Trouver un lieu' },
  { href: '/aide', label: 'Aide et contact' },
];

/** The entries of the main menu for whoever is signed in (exported for the site map and tests). */
export function navigationFor(user: PageContext['user']): NavItem[] {
  if (user?.kind === 'user' && user.profile === 'town_hall') return TOWN_HALL_NAV;
  if (user?.kind === 'user')
    return [
      ...PUBLIC_NAV,
      // one entry for every request of the account; the three spaces are reached from it (issue 16)
      { href: '/mes-demarches', label: 'Mes démarches', also: ['/vehicules', '/permis', '/pre-demandes', '/contact/demandes'] },
    ];
  return PUBLIC_NAV;
}

/**
 * The account and sign-in/out buttons: in the header's tools at desktop width, in the menu on mobile
 * (the same HTML in both places, rendered once per request: toolsHtml).
 */
function ToolsLinks({ user, csrfToken }: { user: PageContext['user']; csrfToken: () => string }) {
  return (
    <ul class="fr-btns-group">
      {user ? (
        <>
          <li>
            <a class="fr-btn fr-icon-account-circle-line" href={user.kind === 'agent' ? '/agents' : '/compte'}>
              {user.displayName}
            </a>
          </li>
          <li>
            <form method="post" action={user.kind === 'agent' ? '/agents/deconnexion' : '/deconnexion'}>
              <input type="hidden" name="_csrf" value={csrfToken()} />
              <button type="submit" class="fr-btn fr-icon-logout-box-r-line">
                Se déconnecter
              </button>
            </form>
          </li>
        </>
      ) : (
        <li>
          <a class="fr-btn fr-icon-account-circle-line" href="/connexion">
            Se connecter
          </a>
        </li>
      )}
    </ul>
  );
}

/** The header's brand block: the Marianne block, the "Menu" button and link, the service's name. */
function HeaderBrand() {
  return (
    <>
      <div class="fr-header__brand-top">
        <div class="fr-header__logo">
          <MarianneBlock />
        </div>
        <div class="fr-header__navbar">
          <button
            class="fr-btn--menu fr-btn app-js-only"
            data-fr-opened="false"
            aria-controls="menu-principal"
            aria-haspopup="dialog"
            id="bouton-menu"
            title="Menu"
            type="button"
          >
            Menu
          </button>
          <a class="fr-btn--menu fr-btn app-nojs-only" href="#menu-principal" id="lien-menu" title="Menu">
            Menu
          </a>
        </div>
      </div>
      <div class="fr-header__service">
        <a href="/" title={`Accueil - ${SERVICE_NAME}`}>
          <p class="fr-header__service-title">{SERVICE_NAME}</p>
        </a>
        <p class="fr-header__service-tagline">{SERVICE_TAGLINE}</p>
      </div>
    </>
  );
}

/**
 * DSFR's header: on a narrow screen the menu and the tools are behind the "Menu" button (burger),
 * opened as a modal by DSFR's own script. Without JavaScript the button is replaced by a link to
 * `#menu-principal`, and public/app.css shows the targeted menu in place (see decision 0026).
 */
function Header() {
  const page = usePage();
  const tools = { __html: renderToString(<ToolsLinks user={page.user} csrfToken={page.csrfToken} />) };
  return (
    <header role="banner" class="fr-header">
      <div class="fr-header__body">
        <div class="fr-container">
          <div class="fr-header__body-row">
            <div class="fr-header__brand fr-enlarge-link" dangerouslySetInnerHTML={staticHtml(HeaderBrand)} />
            <div class="fr-header__tools">
              <div class="fr-header__tools-links" dangerouslySetInnerHTML={tools} />
            </div>
          </div>
        </div>
      </div>
      <MainNavigation tools={tools} />
    </header>
  );
}

const DEV_OUTBOX_ITEM: NavItem = { href: '/dev/outbox', label: 'Boîte d’envoi (dév.)' };
/** The menu's entries by what they depend on (the profile's entries, the dev outbox's), each rendered once per current page. */
const navigationMemo = new Map<string, { __html: string }>();

function MainNavigation({ tools }: { tools: { __html: string } }) {
  const page = usePage();
  const current = (item: NavItem) =>
    [item.href, ...(item.also ?? [])].some((href) => (href === '/' ? page.path === '/' : page.path === href || page.path.startsWith(`${href}/`)));
  const entries = navigationFor(page.user);
  const items = page.devOutbox ? [...entries, DEV_OUTBOX_ITEM] : entries;
  const marks = items.map((item) => (current(item) ? '1' : '0')).join('');
  const key = `${entries === PUBLIC_NAV ? 'public' : entries === TOWN_HALL_NAV ? 'town-hall' : 'user'}|${page.devOutbox}|${marks}`;
  const list = htmlFor(navigationMemo, key, () => (
    <ul class="fr-nav__list">
      {items.map((item, i) => (
        <li class="fr-nav__item" key={item.href}>
          <a class="fr-nav__link" href={item.href} aria-current={marks[i] === '1' ? 'page' : undefined}>
            {item.label}
          </a>
        </li>
      ))}
    </ul>
  ));
  return (
    <div class="fr-header__menu fr-modal" id="menu-principal" aria-labelledby="bouton-menu">
      <div class="fr-container">
        <button class="fr-btn--close fr-btn app-js-only" aria-controls="menu-principal" title="Fermer le menu" type="button">
          Fermer
        </button>
        <a class="fr-btn--close fr-btn app-nojs-only" href="#contenu" title="Fermer le menu">
          Fermer
        </a>
        {/* DSFR's script copies the tools here for the mobile menu; rendered already, for the menu without JavaScript */}
        <div class="fr-header__menu-links" dangerouslySetInnerHTML={tools} />
        <nav class="fr-nav" id="navigation" role="navigation" aria-label="Menu principal" dangerouslySetInnerHTML={list} />
      </div>
    </div>
  );
}

/** The four institutional links every State site's footer carries (DSFR footer). */
const INSTITUTIONAL_LINKS = ['legifrance.gouv.fr', 'info.gouv.fr', 'service-public.fr', 'data.gouv.fr'];

function Footer() {
  return <footer class="fr-footer" role="contentinfo" id="pied-de-page" dangerouslySetInnerHTML={staticHtml(FooterContent)} />;
}

/** The footer's content: the same on every page. */
function FooterContent() {
  return (
    <div class="fr-container">
      <div class="fr-footer__body">
        <div class="fr-footer__brand fr-enlarge-link">
          <a href="/" title={`Retour à l’accueil du site - ${SERVICE_NAME} - République Française`}>
            <MarianneBlock />
          </a>
        </div>
        <div class="fr-footer__content">
          <p class="fr-footer__content-desc">
            {SERVICE_NAME} : démarches en ligne pour la carte grise, le permis de conduire, la carte d’identité
            et le passeport.
          </p>
          <ul class="fr-footer__content-list">
            {INSTITUTIONAL_LINKS.map((site) => (
              <li class="fr-footer__content-item" key={site}>
                <a class="fr-footer__content-link" href={`https://www.${site}`} rel="noopener">
                  {site}
                </a>
              </li>
            ))}
          </ul>
        </div>
      </div>
      <div class="fr-footer__bottom">
        <ul class="fr-footer__bottom-list">
          <li class="fr-footer__bottom-item">
            <a class="fr-footer__bottom-link" href="/accessibilite">
              Accessibilité : non conforme
            </a>
          </li>
          <li class="fr-footer__bottom-item">
            <a class="fr-footer__bottom-link" href="/cgu">
              Conditions générales d’utilisation
            </a>
          </li>
          <li class="fr-footer__bottom-item">
            <a class="fr-footer__bottom-link" href="/mentions-legales">
              Mentions légales
            </a>
          </li>
          <li class="fr-footer__bottom-item">
            <a class="fr-footer__bottom-link" href="/donnees-personnelles">
              Données personnelles
            </a>
          </li>
          <li class="fr-footer__bottom-item">
            <a class="fr-footer__bottom-link" href="/cookies">
              Gestion des cookies
            </a>
          </li>
          <li class="fr-footer__bottom-item">
            <a class="fr-footer__bottom-link" href="/plan-du-site">
              Plan du site
            </a>
          </li>
        </ul>
        <div class="fr-footer__bottom-copy">
          <p>
            © Agence nationale des titres sécurisés. Toute reproduction de ce site, totale ou partielle, est interdite
            sans l’accord de l’agence, à l’exception des documents officiels (
            <a href="/cgu#article-1.9">conditions générales d’utilisation, article 1.9</a>).
          </p>
        </div>
      </div>
    </div>
  );
}

function MaintenanceBanners() {
  const page = usePage();
  if (!page.banners.length) return null;
  // A landmark of its own: axe wants all content in one (rule "region").
  return (
    <div role="region" aria-label="Avis de maintenance">
      {page.banners.map((b, i) => (
        <div class="fr-notice fr-notice--info" key={i}>
          <div class="fr-container">
            <div class="fr-notice__body">
              <p class="fr-notice__title">
                {b.message} <span class="app-notice__window">({formatWindow(b.startsAt, b.endsAt)})</span>
              </p>
            </div>
          </div>
        </div>
      ))}
    </div>
  );
}

function FlashMessages() {
  const page = usePage();
  if (!page.flash.length) return null;
  return (
    <div class="fr-mb-4w">
      {page.flash.map((f, i) => (
        <div class={`fr-alert fr-alert--${f.kind} fr-alert--sm fr-mb-2w`} role={f.kind === 'error' ? 'alert' : 'status'} key={i}>
          <p>{f.message}</p>
        </div>
      ))}
    </div>
  );
}

/** The skip links at the top of every page. */
function SkipLinks() {
  return (
      <nav class="fr-container" role="navigation" aria-label="Accès rapide">
        <ul class="fr-skiplinks__list">
          <li>
            <a class="fr-link" href="#contenu">
              Contenu
            </a>
          </li>
          <li>
            <a class="fr-link" href="#menu-principal">
              Menu
            </a>
          </li>
          <li>
            <a class="fr-link" href="#pied-de-page">
              Pied de page
            </a>
          </li>
        </ul>
      </nav>
  );
}

export interface LayoutProps {
  /** The page's own title, without the service name; prefixed "Erreur : " when a form has errors. */
  title: string;
  hasErrors?: boolean;
  children: ComponentChildren;
  /** Full-width pages (home) manage their own containers. */
  wide?: boolean;
  /** An Atom feed announced in the head (`<link rel="alternate">`), for the pages that have one. */
  feed?: { href: string; title: string };
}

/** The head's content by page title and feed, per set of asset URLs (one per process; a test may build apps with others). */
const headMemo = new WeakMap<AssetUrls, Map<string, { __html: string }>>();

function headHtml(assets: AssetUrls, fullTitle: string, feed: LayoutProps['feed']): { __html: string } {
  let memo = headMemo.get(assets);
  if (!memo) headMemo.set(assets, (memo = new Map()));
  return htmlFor(memo, feed ? `${fullTitle}\n${feed.href}\n${feed.title}` : fullTitle, () => (
    <>
      <meta charSet="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no" />
      <meta name="format-detection" content="telephone=no" />
      <title>{fullTitle}</title>
      <link rel="stylesheet" href={assets.dsfrCss} />
      <link rel="stylesheet" href={assets.dsfrIconsCss} />
      <link rel="stylesheet" href={assets.own['app.css']} />
      <link rel="icon" href={assets.dsfr('favicon/favicon.svg')} type="image/svg+xml" />
      <link rel="apple-touch-icon" href={assets.dsfr('favicon/apple-touch-icon.png')} />
      {feed && <link rel="alternate" type="application/atom+xml" href={feed.href} title={feed.title} />}
    </>
  ));
}

export function Layout({ title, hasErrors, children, wide, feed }: LayoutProps) {
  const page = usePage();
  const fullTitle = `${hasErrors ? 'Erreur : ' : ''}${title} - ${SERVICE_NAME}`;
  return (
    <html lang="fr" data-fr-scheme="light">
      <head dangerouslySetInnerHTML={headHtml(page.assets, fullTitle, feed)} />
      <body>
        <div class="fr-skiplinks" dangerouslySetInnerHTML={staticHtml(SkipLinks)} />
        <Header />
        <MaintenanceBanners />
        <main id="contenu" role="main" tabIndex={-1}>
          <SessionTimeout />
          {wide ? (
            <>
              <div class="fr-container fr-mt-4w">
                <FlashMessages />
              </div>
              {children}
            </>
          ) : (
            <div class="fr-container fr-my-6w">
              <FlashMessages />
              {children}
            </div>
          )}
        </main>
        <Footer />
        <script type="module" src={page.assets.dsfrModuleJs}></script>
        <script noModule src={page.assets.dsfrNoModuleJs}></script>
      </body>
    </html>
  );
}
