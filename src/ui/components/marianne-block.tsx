/** The DSFR « bloc-marque » text: « République Française » on two lines (the header's and the footer's logo). */
export function MarianneBlock() {
  return (
    <p class="fr-logo">
      République
      <br />
      Française
    </p>
  );
}
