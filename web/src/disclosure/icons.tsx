/**
 * Small line icons in plain SVG (the console ships no icon font, and system
 * fonts on servers often lack emoji). 16×16, stroked in currentColor.
 */
const PATHS = {
  inbox: 'M2 9h3l1.5 2h3L11 9h3M2 9l2-6h8l2 6v4H2z',
  message: 'M2.5 3.5h11v7h-6l-3 2.5v-2.5h-2z',
  flag: 'M3.5 14V2.5M3.5 3h8l-1.5 3 1.5 3h-8',
  clock: 'M8 2a6 6 0 1 0 0 12A6 6 0 0 0 8 2zM8 4.5V8l2.5 1.5',
  bug: 'M5.5 5.5h5v5a2.5 2.5 0 0 1-5 0zM8 5.5v7.5M5.5 8H2.5M13.5 8h-3M6 5.5 4.5 3M10 5.5 11.5 3M5.5 11l-2 1.5M10.5 11l2 1.5',
  user: 'M8 7.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5zM3 13.5c.5-2.5 2.5-4 5-4s4.5 1.5 5 4',
  check: 'M3 8.5 6.5 12 13 4.5',
  clip: 'M10.5 5 6 9.5a1.2 1.2 0 0 0 1.7 1.7L12.5 6.4a2.5 2.5 0 0 0-3.5-3.5L4 7.9a3.8 3.8 0 0 0 5.4 5.4l3.6-3.6',
  doc: 'M4 1.5h5.5L12.5 4.5v10h-8.5zM9.5 1.5v3h3M6 8h4.5M6 10.5h4.5',
  lock: 'M4 7.5h8v6H4zM5.5 7.5V5.5a2.5 2.5 0 0 1 5 0v2',
  arrow: 'M2.5 8h10M9 4.5 12.5 8 9 11.5',
  globe: 'M8 2a6 6 0 1 0 0 12A6 6 0 0 0 8 2zM2 8h12M8 2c-2 2-2 10 0 12M8 2c2 2 2 10 0 12',
  x: 'M4 4l8 8M12 4l-8 8',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 14, title }: { name: IconName; size?: number; title?: string }) {
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" className="icon" role={title ? 'img' : undefined} aria-hidden={title ? undefined : true} aria-label={title}>
      <path d={PATHS[name]} fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
