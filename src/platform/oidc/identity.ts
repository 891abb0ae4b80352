/** FranceConnect's identité pivot, as stored for an account (keyed on the pairwise sub). */
export interface IdentitePivot {
  sub: string;
  given_name: string;
  family_name: string;
  birthdate: string;
  gender: string;
  birthplace: string;
  birthcountry: string;
  email: string;
  preferred_username?: string;
}
