/** Table types of the back-office (instruction) domain; mirrors its migrations. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface BackofficeTables {}
