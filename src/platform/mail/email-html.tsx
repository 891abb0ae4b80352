import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';

/**
 * The HTML part of every email, made from its plain-text part (which stays the reference: same
 * content, readable by any client). A DSFR-like header (the Marianne block and the service name),
 * the subject as title, the request number when the message is about one, the text in paragraphs,
 * and one call to action: the message's portal link, or else the first link of the text to the
 * portal, drawn as a button. Only links to the portal's own origin are clickable: a text that
 * quotes what someone typed (a contact form's subject) can never turn into a link or a button
 * elsewhere, in a message the agency sends. Inline styles and tables only; no image, no script.
 */
export interface EmailContent {
  subject: string;
  text: string;
  /** the portal page the message is about */
  link?: string;
  /** the words of the button; by default the words before the link ("Suivre votre demande : https://…") */
  action?: string;
}

/** Links to this origin only are made clickable (the portal's public URL). */
const trusted = (url: string, origin: string | null): boolean => {
  if (!origin) return false;
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
};

const SERVICE_NAME = 'Portail des titres sécurisés';
const BLUE = '#000091';
const GREY = '#3a3a3a';
const FONT = 'Marianne, Arial, Helvetica, sans-serif';
const URL_PATTERN = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)»]/g;

/** The request number the message is about: the last segment of its link, when the message's words name it. */
export function referenceOf(content: EmailContent): string | null {
  if (!content.link) return null;
  let segment: string;
  try {
    segment = decodeURIComponent(new URL(content.link).pathname.split('/').filter(Boolean).at(-1) ?? '');
  } catch {
    return null;
  }
  if (segment.length < 4 || !/\d/.test(segment)) return null;
  // named by the message itself, not only inside a link (an activation token is no request number)
  return `${content.subject}\n${content.text.replace(URL_PATTERN, '')}`.includes(segment) ? segment : null;
}

/** The call to action: its URL, its words, and the text line it replaces. */
export function callToAction(content: EmailContent, origin: string | null = originOf(content.link)): { url: string; label: string; line: string | null } | null {
  const urls: string[] = (content.text.match(URL_PATTERN) ?? []).filter((u) => trusted(u, origin));
  const url = content.link && trusted(content.link, origin) ? content.link : urls[0];
  if (!url) return null;
  const line = content.text.split('\n').find((l) => l.includes(url)) ?? null;
  const before = line ? line.slice(0, line.indexOf(url)).replace(/\s*:\s*$/, '').trim() : '';
  const label = content.action ?? (before && before.length <= 60 ? before : 'Ouvrir la page sur le portail');
  return { url, label, line: line && (line.trim() === url || before === label) ? line : null };
}

function originOf(url: string | undefined): string | null {
  try {
    return url ? new URL(url).origin : null;
  } catch {
    return null;
  }
}

/** Text with its links to the portal made clickable (escaped by preact); any other URL stays text. */
function Linked({ text, origin }: { text: string; origin: string | null }) {
  const parts: ComponentChildren[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    if (!trusted(match[0], origin)) continue;
    parts.push(text.slice(last, match.index));
    parts.push(
      <a href={match[0]} style={`color:${BLUE};`}>
        {match[0]}
      </a>,
    );
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return <>{parts}</>;
}

function Paragraph({ lines, origin }: { lines: string[]; origin: string | null }) {
  return (
    <p style={`margin:0 0 16px;font-family:${FONT};font-size:16px;line-height:24px;color:${GREY};`}>
      {lines.map((line, i) => (
        <>
          {i > 0 && <br />}
          <Linked text={line} origin={origin} />
        </>
      ))}
    </p>
  );
}

export function emailHtml(content: EmailContent, portalOrigin: string | null = originOf(content.link)): string {
  const reference = referenceOf(content);
  const cta = callToAction(content, portalOrigin);
  // paragraphs of the text; the call to action's own line becomes the button
  const paragraphs = content.text
    .split(/\n\s*\n/)
    .map((p) => p.split('\n').filter((l) => l !== cta?.line))
    .filter((lines) => lines.some((l) => l.trim()));
  const page = (
    <html lang="fr">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{content.subject}</title>
      </head>
      <body style="margin:0;padding:0;background-color:#f6f6f6;">
        <table role="presentation" width="100%" cellPadding="0" cellSpacing="0" style="background-color:#f6f6f6;">
          <tr>
            <td align="center" style="padding:16px 8px;">
              <table role="presentation" width="100%" cellPadding="0" cellSpacing="0" style="max-width:600px;background-color:#ffffff;">
                <tr>
                  <td style={`padding:16px 24px;border-bottom:1px solid #dddddd;font-family:${FONT};`}>
                    <p style="margin:0;font-weight:700;font-size:14px;line-height:16px;text-transform:uppercase;color:#161616;">
                      République
                      <br />
                      Française
                    </p>
                    <p style="margin:4px 0 0;font-size:10px;line-height:12px;font-style:italic;color:#161616;">Liberté, Égalité, Fraternité</p>
                    <p style={`margin:12px 0 0;font-weight:700;font-size:18px;line-height:24px;color:${BLUE};`}>{SERVICE_NAME}</p>
                  </td>
                </tr>
                <tr>
                  <td style="padding:24px;">
                    <h1 style={`margin:0 0 16px;font-family:${FONT};font-size:22px;line-height:28px;color:#161616;`}>{content.subject}</h1>
                    {reference && (
                      <p style={`margin:0 0 16px;padding:8px 12px;background-color:#e3e3fd;font-family:${FONT};font-size:16px;color:#161616;`}>
                        Numéro de demande : <strong>{reference}</strong>
                      </p>
                    )}
                    {paragraphs.map((lines, i) => (
                      <Paragraph key={i} lines={lines} origin={portalOrigin} />
                    ))}
                    {cta && (
                      <table role="presentation" cellPadding="0" cellSpacing="0" style="margin:8px 0 16px;">
                        <tr>
                          <td style={`background-color:${BLUE};`}>
                            <a
                              href={cta.url}
                              style={`display:inline-block;padding:12px 24px;font-family:${FONT};font-size:16px;line-height:24px;font-weight:500;color:#ffffff;text-decoration:none;`}
                            >
                              {cta.label}
                            </a>
                          </td>
                        </tr>
                      </table>
                    )}
                  </td>
                </tr>
                <tr>
                  <td style={`padding:16px 24px;border-top:3px solid ${BLUE};font-family:${FONT};font-size:12px;line-height:20px;color:#666666;`}>
                    Agence nationale des titres sécurisés — {SERVICE_NAME}
                  </td>
                </tr>
              </table>
            </td>
          </tr>
        </table>
      </body>
    </html>
  );
  return `<!DOCTYPE html>${renderToString(page)}`;
}
