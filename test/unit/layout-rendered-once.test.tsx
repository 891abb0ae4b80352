import { describe, expect, it } from 'vitest';
import { Layout } from '../../src/ui/layout.tsx';
import type { PageContext } from '../../src/ui/page-context.ts';
import { renderDocument } from '../../src/web/page-document.tsx';

const assets: PageContext['assets'] = {
  dsfrCss: '/assets/dsfr.css',
  dsfrIconsCss: '/assets/icons.css',
  dsfrModuleJs: '/assets/dsfr.module.js',
  dsfrNoModuleJs: '/assets/dsfr.nomodule.js',
  own: { 'app.css': '/assets/app.css', 'session-timeout.js': '/assets/session-timeout.js' },
  dsfr: (relative) => `/assets/dsfr/${relative}`,
};

function pageFor(user: PageContext['user'], token: string, path: string): string {
  const ctx: PageContext = { path, assets, csrfToken: () => token, user, banners: [], flash: [], devOutbox: false, requestId: 'r' };
  return renderDocument(
    <Layout title="Mon espace véhicule">
      <p>Contenu</p>
    </Layout>,
    ctx,
  );
}

describe('the layout’s parts rendered once per process (skip links, header’s brand, footer) or once per title and menu', () => {
  it('never carry one user’s name, token or page into another’s page', () => {
    const camille = pageFor({ displayName: 'Camille Martin', kind: 'user', profile: 'individual' }, 'JETON-DE-CAMILLE', '/vehicules');
    const julien = pageFor({ displayName: 'Julien Petit', kind: 'user', profile: 'individual' }, 'JETON-DE-JULIEN', '/compte');
    const agent = pageFor({ displayName: 'Agent Dupont', kind: 'agent' }, 'JETON-AGENT', '/agents');
    const anonymous = pageFor(null, 'JETON-ANONYME', '/');
    expect(camille).toContain('Camille Martin');
    expect(camille.match(/JETON-DE-CAMILLE/g)).toHaveLength(3); // sign-out in the header's tools and the menu, and the session warning
    expect(julien).toContain('Julien Petit');
    expect(julien).toContain('value="JETON-DE-JULIEN"');
    for (const other of [julien, agent, anonymous]) {
      expect(other).not.toContain('Camille');
      expect(other).not.toContain('JETON-DE-CAMILLE');
    }
    expect(anonymous).not.toMatch(/Julien|JETON-DE-JULIEN|Agent Dupont|Se déconnecter/);
    expect(anonymous).toContain('href="/connexion"');
    // the current page is marked in the menu, per request
    expect(camille).toContain('<a class="fr-nav__link" href="/mes-demarches" aria-current="page">');
    expect(julien).not.toContain('aria-current="page"');
  });

  it('keep the head per title and the menu per profile and current page: each page gets its own', () => {
    const render = (title: string, user: PageContext['user'], path: string, feed?: { href: string; title: string }) =>
      renderDocument(
        <Layout title={title} feed={feed}>
          <p>Contenu</p>
        </Layout>,
        { path, assets, csrfToken: () => 'jeton', user, banners: [], flash: [], devOutbox: false, requestId: 'r' },
      );
    const camille = { displayName: 'Camille Martin', kind: 'user' as const, profile: 'individual' };
    const townHall = { displayName: 'Mairie de Lyon', kind: 'user' as const, profile: 'town_hall' };
    for (let round = 0; round < 2; round++) {
      // the second round is answered from what the first one kept
      const vehicles = render('Mon espace véhicule', camille, '/vehicules');
      const account = render('Mon compte', camille, '/compte');
      const news = render('Actualités', null, '/actualites', { href: '/actualites/flux.xml', title: 'Actualités « du portail »' });
      const desk = render('Pré-demandes à recueillir', townHall, '/mairie/pre-demandes');
      expect(vehicles).toContain('<title>Mon espace véhicule - Portail des titres sécurisés</title>');
      expect(account).toContain('<title>Mon compte - Portail des titres sécurisés</title>');
      expect(account).not.toContain('Mon espace véhicule');
      expect(vehicles).not.toContain('application/atom+xml');
      expect(news).toContain('<link rel="alternate" type="application/atom+xml" href="/actualites/flux.xml" title="Actualités « du portail »"/>');
      expect(vehicles).toContain('<a class="fr-nav__link" href="/mes-demarches" aria-current="page">Mes démarches</a>');
      expect(account).toContain('<a class="fr-nav__link" href="/mes-demarches">Mes démarches</a>');
      expect(account).not.toContain('aria-current="page"');
      expect(news).not.toContain('Mes démarches');
      expect(desk).toContain('<a class="fr-nav__link" href="/mairie/pre-demandes" aria-current="page">Pré-demandes à recueillir</a>');
      expect(desk).not.toContain('href="/demarches/carte-grise"');
      expect(render('Erreur', camille, '/vehicules')).toContain('<title>Erreur - Portail des titres sécurisés</title>');
    }
  });

  it('are the very HTML of the skip links, the header’s brand and the footer, on every page', () => {
    const first = pageFor(null, 't', '/');
    const again = pageFor({ displayName: 'Camille Martin', kind: 'user', profile: 'individual' }, 'u', '/vehicules');
    for (const html of [first, again]) {
      expect(html).toContain('<div class="fr-skiplinks"><nav class="fr-container" role="navigation" aria-label="Accès rapide">');
      expect(html).toContain('<p class="fr-header__service-title">Portail des titres sécurisés</p>');
      expect(html).toContain('<button class="fr-btn--menu fr-btn app-js-only" data-fr-opened="false" aria-controls="menu-principal"');
      expect(html).toContain('<footer class="fr-footer" role="contentinfo" id="pied-de-page"><div class="fr-container"><div class="fr-footer__body">');
      expect(html).toContain('<a class="fr-footer__bottom-link" href="/plan-du-site">Plan du site</a>');
      expect(html).toContain('conditions générales d’utilisation, article 1.9');
    }
  });
});
