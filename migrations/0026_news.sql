-- Issue 18: the agency's news ("Actualités", terms of use §1.2), written and published by operators.
create table news_articles (
  id bigint generated always as identity primary key,
  slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 120),
  title text not null check (length(title) between 1 and 150),
  summary text not null check (length(summary) between 1 and 300),
  body text not null check (length(body) between 1 and 20000),
  -- null: a draft, seen only in the back office
  published_at timestamptz,
  created_by bigint not null references agents (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index news_articles_published on news_articles (published_at desc) where published_at is not null;
