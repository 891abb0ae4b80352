import type { Generated, Selectable } from 'kysely';

/** Mirrors migrations/0026_news.sql. */
export interface NewsArticlesTable {
  id: Generated<number>;
  slug: string;
  title: string;
  summary: string;
  body: string;
  /** null: a draft */
  published_at: Date | null;
  created_by: number;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export interface NewsTables {
  news_articles: NewsArticlesTable;
}
export type NewsArticle = Selectable<NewsArticlesTable>;
