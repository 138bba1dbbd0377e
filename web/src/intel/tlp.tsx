import type { TlpLevel } from './types.js';

/** Least to most restrictive, the order of every TLP list in the console. */
export const TLP_LEVELS: readonly TlpLevel[] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];

/** Who may read an object at each level (DESIGN.md, Access model; FIRST TLP 2.0). */
export const TLP_MEANING: Record<TlpLevel, string> = {
  CLEAR: 'Anyone may read it, signed in or not.',
  GREEN: 'Every signatory may read it.',
  AMBER: 'The author’s organisation and the organisations, sharing groups or people it names.',
  'AMBER+STRICT': 'The author’s organisation only.',
  RED: 'The person who shared it and the people or organisations it names only.',
};

/** CSS class suffix per level: `tlp-amber-strict`, … */
export function tlpClass(level: TlpLevel): string {
  return level.toLowerCase().replace('+', '-');
}

export function isTlpLevel(v: string): v is TlpLevel {
  return (TLP_LEVELS as readonly string[]).includes(v);
}

/**
 * A TLP 2.0 label as FIRST specifies it: the full text in the level's colour on
 * black (CLEAR white, GREEN #33FF00, AMBER and AMBER+STRICT #FFC000, RED
 * #FF2B2B). The text carries the level, so colour is never the only cue.
 */
export function TlpBadge({ level, size }: { level: TlpLevel; size?: 'sm' }) {
  return (
    <span className={`tlp tlp-${tlpClass(level)} ${size === 'sm' ? 'tlp-sm' : ''}`} title={`TLP:${level} — ${TLP_MEANING[level]}`} data-tlp={level}>
      TLP:{level}
    </span>
  );
}
