/** FranceConnect's "identité pivot": the civil-status claims every FranceConnect identity provider returns. */
export interface IdentitePivot {
  sub: string;
  given_name: string;
  family_name: string;
  /** YYYY-MM-DD; a presumed date may carry 00 for the day or month (e.g. 1992-11-00). */
  birthdate: string;
  gender: string;
  /** INSEE code of the birth commune; empty for a person born abroad. */
  birthplace: string;
  /** INSEE code of the birth country (99100 for France). */
  birthcountry: string;
  email: string;
  /** Usage name, when the person has one. */
  preferred_username?: string;
}
