import { articleBySlug } from '../articles.ts';

/**
 * A small "Aide" link to the help centre's article on a topic, for any procedure step:
 *   <HelpLink topic="code-confidentiel" />
 * The topic is an article's slug (src/domains/help/articles.ts); an unknown topic renders nothing
 * (and a unit of the help tests checks every topic used in the code exists).
 */
export function HelpLink({ topic, label }: { topic: string; label?: string }) {
  const article = articleBySlug(topic);
  if (!article) return null;
  return (
    <p class="fr-mb-2w app-help-link">
      <a class="fr-link fr-icon-question-line fr-link--icon-left" href={`/aide/${article.slug}`}>
        Aide : {label ?? article.title}
      </a>
    </p>
  );
}
