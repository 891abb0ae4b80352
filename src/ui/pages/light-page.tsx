import type { ComponentChildren } from 'preact';
import { MarianneBlock } from '../components/marianne-block.tsx';

export interface LightPageProps {
  /** the page's own title, before « — Portail des titres sécurisés » */
  title: string;
  stylesheet: string;
  children: ComponentChildren;
}

/**
 * The frame of the pages a busy node answers without the layout (no database read, no session, no
 * script): the waiting room and the « trop de demandes en cours » page. The DSFR header's brand and the
 * footer's, as the layout draws them, around the page's own `<main>`.
 */
export function LightPage(props: LightPageProps) {
  return (
    <html lang="fr" data-fr-scheme="light">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} — Portail des titres sécurisés`}</title>
        <link rel="stylesheet" href={props.stylesheet} />
      </head>
      <body>
        <header role="banner" class="fr-header">
          <div class="fr-header__body">
            <div class="fr-container">
              <div class="fr-header__body-row">
                <div class="fr-header__brand">
                  <div class="fr-header__brand-top">
                    <div class="fr-header__logo">
                      <MarianneBlock />
                    </div>
                  </div>
                  <div class="fr-header__service">
                    <p class="fr-header__service-title">Portail des titres sécurisés</p>
                  </div>
                </div>
              </div>
            </div>
          </div>
        </header>
        <main role="main" id="contenu" class="fr-container fr-my-6w">
          {props.children}
        </main>
        <footer role="contentinfo" class="fr-footer" id="footer">
          <div class="fr-container">
            <div class="fr-footer__body">
              <div class="fr-footer__brand">
                <MarianneBlock />
              </div>
              <div class="fr-footer__content">
                <p class="fr-footer__content-desc">Agence nationale des titres sécurisés</p>
              </div>
            </div>
          </div>
        </footer>
      </body>
    </html>
  );
}
