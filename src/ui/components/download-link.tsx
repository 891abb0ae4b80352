import { fileDetail } from '../../platform/pdf/measured-size.ts';

/**
 * A link to a document in DSFR's download style, its format and size after the title:
 * « Récépissé de dépôt de la demande (PDF – 45 Ko) ». `bytes` is the document's real size (stored,
 * or measured by rendering it: platform/pdf/measured-size.ts); unknown, the link says « (PDF) ».
 */
export function DownloadLink(props: { href: string; label: string; bytes: number | null | undefined; format?: string }) {
  return (
    <a class="fr-link fr-link--download" href={props.href}>
      {props.label} <span class="fr-link__detail">({fileDetail(props.bytes, props.format)})</span>
    </a>
  );
}
