/** Table types of the vehicles domain; mirrors its migrations. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface VehiclesTables {}
