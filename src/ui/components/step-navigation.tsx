/**
 * Under a step's form: "Étape précédente" (a plain link to the previous step's own address, so it
 * works like the browser's Back).
 */
export function PreviousStepLink({ href }: { href: string }) {
  return (
    <p class="fr-mb-2w">
      <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href}>
        Étape précédente
      </a>
    </p>
  );
}

/**
 * "Reprendre plus tard": a second submit button of the step's form (intent=later). The route saves
 * what was typed, without checking it, and says where to find the draft.
 */
export function SaveForLaterButton() {
  return (
    <button type="submit" name="intent" value="later" class="fr-btn fr-btn--secondary">
      Reprendre plus tard
    </button>
  );
}

/** The step's buttons side by side (DSFR button group), stacked on a narrow screen. */
export function StepButtons({ later }: { later?: boolean }) {
  return (
    <ul class="fr-btns-group fr-btns-group--inline-sm fr-mt-3w">
      <li>
        <button type="submit" class="fr-btn">
          Poursuivre
        </button>
      </li>
      {later && (
        <li>
          <SaveForLaterButton />
        </li>
      )}
    </ul>
  );
}

/** At the end of a procedure: the way back to the list of all the account's requests. */
export function BackToMyRequests() {
  return (
    <p class="fr-mt-4w">
      <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/mes-demarches">
        Retour à mes démarches
      </a>
    </p>
  );
}
