import type { ColumnType } from 'kysely';

/** Column types shared by every table declaration (platform's and the domains' tables.ts); they mirror migrations/*.sql. */
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type Json<T> = ColumnType<T, string, string>;
