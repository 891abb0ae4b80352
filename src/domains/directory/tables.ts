import type { Generated, Selectable } from 'kysely';

/** Mirrors migrations/0010_directory_help_contact.sql (directory of places). */
export type PlaceKind = 'automotive_professional' | 'photographer' | 'town_hall';
export interface DirectoryPlacesTable {
  id: Generated<number>;
  kind: PlaceKind;
  external_id: string;
  name: string;
  address_line: string;
  postcode: string;
  commune: string;
  commune_code: string;
  department: string;
  latitude: number;
  longitude: number;
  phone: string | null;
  opening_hours: string | null;
  habilitation_number: string | null;
  booth: Generated<boolean>;
  scanner_count: number | null;
  updated_at: Generated<Date>;
}

export interface DirectoryTables {
  directory_places: DirectoryPlacesTable;
}
export type DirectoryPlace = Selectable<DirectoryPlacesTable>;
