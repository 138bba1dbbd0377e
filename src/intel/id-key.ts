import { hash } from 'node:crypto';

/**
 * The key that object versions are found by id with (migration 0010): the
 * first 48 bits of the SHA-256 of the STIX id. An index of these small
 * integers is a fraction of the size of one over (collection, id, author,
 * version) text, so it stays in cache and each insert dirties fewer pages.
 * Keys may collide: every query that uses one also compares the id itself,
 * and uniqueness of (collection, id, author, version) is the insert planner's
 * job, under the write lock. SHA-256, not a faster hash: ids are chosen by
 * whoever posts, and a hash they could collide at will would let them pile
 * every id on one key. Stored: it must never change.
 */
export function idKey(stixId: string): number {
  return hash('sha256', stixId, 'buffer').readUIntBE(0, 6);
}
