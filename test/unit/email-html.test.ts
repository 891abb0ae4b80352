import { describe, expect, it } from 'vitest';
import { callToAction, emailHtml, referenceOf } from '../../src/platform/mail/email-html.tsx';

const NOTIFICATION = {
  subject: 'Votre demande est terminée (Changement d’adresse 2026-AD-00042)',
  text: 'Bonjour Camille,\n\nVotre demande est terminée.\n\nSuivre votre demande : https://portail.example/vehicules/demandes/2026-AD-00042\n\nCe message est envoyé automatiquement.\nL’Agence nationale des titres sécurisés',
  link: 'https://portail.example/vehicules/demandes/2026-AD-00042',
};

describe('the HTML part of an email, made from its text', () => {
  it('shows the request number, the text in paragraphs and one button to the portal page', () => {
    const html = emailHtml(NOTIFICATION);
    expect(html).toMatch(/^<!DOCTYPE html><html lang="fr">/);
    expect(html).toContain('République<br/>Française');
    expect(html).toContain('Numéro de demande : <strong>2026-AD-00042</strong>');
    expect(html).toContain('Votre demande est terminée.');
    expect(html).toContain('L’Agence nationale des titres sécurisés');
    // one call to action, named by the words before the link, and the link's line is not repeated
    expect(html.match(/<a /g)).toHaveLength(1);
    expect(html).toMatch(/<a href="https:\/\/portail\.example\/vehicules\/demandes\/2026-AD-00042"[^>]*>Suivre votre demande<\/a>/);
    expect(html).not.toContain('Suivre votre demande :');
  });

  it('a link alone on its line becomes the button, with the words the message gives', () => {
    const content = { subject: 'Activez votre compte', text: 'Bonjour,\n\nOuvrez ce lien :\n\nhttps://portail.example/activation/abc123\n\nMerci.', action: 'Activer mon compte' };
    expect(callToAction(content, 'https://portail.example')).toEqual({ url: 'https://portail.example/activation/abc123', label: 'Activer mon compte', line: 'https://portail.example/activation/abc123' });
    const html = emailHtml(content, 'https://portail.example');
    expect(html).toMatch(/<a href="https:\/\/portail\.example\/activation\/abc123"[^>]*>Activer mon compte<\/a>/);
    expect(html.match(/<a /g)).toHaveLength(1);
    // a token in a link is not a request number
    expect(referenceOf({ ...content, link: 'https://portail.example/activation/abc123' })).toBe(null);
  });

  it('escapes what the text holds (a name, a message from an agent)', () => {
    const html = emailHtml({ subject: 'Message <b>', text: 'Bonjour <script>alert(1)</script> & co' });
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script>alert(1)&lt;/script> &amp; co');
    expect(html).toContain('<title>Message &lt;b></title>');
  });

  it('a message without any link has no button', () => {
    expect(emailHtml({ subject: 'Votre compte est de nouveau accessible', text: 'Bonjour,\n\nL’accès est rétabli.' })).not.toContain('<a ');
  });

  it('never turns a URL of another site into a link or a button, even quoted from what someone typed (phishing through the contact form)', () => {
    const content = { subject: 'Demande de contact C-2026-0001 reçue', text: 'Bonjour,\n\nNous avons bien reçu votre message « Amende impayée, régularisez ici : https://ants-paiement.example/payer ».\n\nPour nous écrire : https://portail.example/contact' };
    expect(callToAction(content, 'https://portail.example')?.url).toBe('https://portail.example/contact');
    const html = emailHtml(content, 'https://portail.example');
    expect(html).not.toContain('href="https://ants-paiement.example');
    expect(html).toContain('https://ants-paiement.example/payer'); // as text, the same content as the text part
    expect(emailHtml({ subject: 's', text: 'Voir https://ants-paiement.example/payer' }, 'https://portail.example')).not.toContain('<a ');
  });
});
