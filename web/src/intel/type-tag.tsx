import { typeTone } from './stix.js';

/** A STIX type in monospace, coloured by kind (indicator, threat, observable, sighting…). */
export function TypeTag({ type }: { type: string }) {
  return <span className={`event-tag tone-${typeTone(type)}`}>{type}</span>;
}
