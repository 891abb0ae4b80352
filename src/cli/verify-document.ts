import { readFileSync } from 'node:fs';
import { loadConfig } from '../config.ts';
import { describeSeal, verdictText, verifySeal } from '../domains/document-verification/service.ts';
import { openDatabase, type Database } from '../platform/db/database.ts';
import { loadSealIdentity, trustedKeyFromCertificate } from '../platform/seal/keys.ts';
import { readDataMatrixCodes } from '../platform/seal/read-pdf.ts';

const USAGE = `Usage : npm run verify-document -- <document.pdf> [--certificat <certificat.pem>] [--sans-registre]

Lit le 2D-Doc imprimé sur le document (rendu de la page, lecture du DataMatrix), vérifie la signature
de l'agence sans réseau, puis compare les données au registre (base de données de la configuration :
DATABASE_URL ou le dossier DATA_DIR), sauf avec --sans-registre.
--certificat : le certificat X.509 publié (/2d-doc/certificats/FR00<id>.pem), dont la clé publique vérifie
la signature ; par défaut, celui du cachet du portail (SEAL_CERTIFICATE, ou celui que l'autorité de
démonstration du dossier de données a émis pour SEAL_PRIVATE_KEY ou la clé de démonstration).
Code de sortie : 0 document authentique (ou signature valide avec --sans-registre), 1 document refusé (faux,
ou authentique mais plus valable : demande refusée, pré-demande expirée…), 2 vérification impossible.`;

/**
 * `npm run verify-document -- file.pdf`: the 2D-Doc of a document the portal issued, checked as an
 * inspector would, offline for the signature.
 */
async function main(argv: string[]): Promise<number> {
  const file = argv.find((a) => !a.startsWith('--') && argv[argv.indexOf(a) - 1] !== '--certificat');
  if (!file || argv.includes('--aide') || argv.includes('--help')) {
    console.error(USAGE);
    return 2;
  }
  const certificateFile = argv.includes('--certificat') ? argv[argv.indexOf('--certificat') + 1] : undefined;
  const config = loadConfig();
  const certificate = certificateFile ? readFileSync(certificateFile, 'utf8') : (await loadSealIdentity(config)).certificate;
  const trusted = [trustedKeyFromCertificate(certificate)];
  const codes = await readDataMatrixCodes(readFileSync(file));
  if (!codes.length) {
    console.error(`Aucun 2D-Doc lisible dans ${file}.`);
    return 1;
  }
  let database: Database | null = null;
  try {
    if (!argv.includes('--sans-registre')) database = await openDatabase(config.database);
    const verdict = await verifySeal(database?.db ?? null, codes[0]!, trusted);
    const text = verdictText(verdict);
    console.log(`${text.ok ? 'AUTHENTIQUE' : 'REFUSÉ'} — ${text.title}\n${text.detail}`);
    if (verdict.status !== 'unreadable') {
      const d = describeSeal(verdict.seal);
      console.log(`\nDocument : ${d.type}\nÉmis le ${verdict.seal.header.issuedOn}, autorité ${verdict.seal.header.caId}, certificat ${verdict.seal.header.certificateId}`);
      // a forged value must not drive the terminal (the parser refuses control characters; this is the second lock)
      for (const r of d.rows) console.log(`  ${r.id} ${r.label} : ${String(r.value).replace(/[\u0000-\u001f\u007f-\u009f]/g, "?")}`);
    }
    return text.ok ? 0 : 1;
  } finally {
    await database?.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
