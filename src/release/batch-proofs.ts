import { foldSubtrees, inclusionProofPlan, readNodeHashes, type HashReader, type NodeId } from '../ledger/merkle.js';

/**
 * Inclusion proofs of many entries in one tree, with the ledger's own proof
 * plans: every node any of the proofs needs is read in one `readHashes` call
 * (one tile read each, for all of them), then each proof is folded from those.
 * Proving the entries of a batch one by one would read and rehash the same
 * right-edge tiles once per entry.
 *
 * A proof element of several nodes lies on the right edge of the tree (only
 * there is a sibling subtree not perfect), and is then fixed by where it
 * starts: it is folded once and the same hash object serves every proof that
 * has it (so `formatTlogProofs` encodes it once too).
 */
export async function proveInclusions(reader: HashReader, indexes: readonly number[], size: number): Promise<Uint8Array[][]> {
  const plans = indexes.map((i) => inclusionProofPlan(i, size));
  // Nodes by level, then index: exact for any safe index (a string key per node would be garbage).
  const slot: (Map<number, number> | undefined)[] = [];
  const nodes: NodeId[] = [];
  for (const plan of plans) {
    for (const element of plan) {
      for (const n of element) {
        const m = (slot[n.level] ??= new Map());
        if (!m.has(n.index)) {
          m.set(n.index, nodes.length);
          nodes.push(n);
        }
      }
    }
  }
  const hashes = await readNodeHashes(reader, nodes);
  const hashOf = (n: NodeId) => hashes[slot[n.level]!.get(n.index)!]!;
  // Folded right-edge elements by the leaf they start at, with their last node to be sure it is the same element.
  const folded = new Map<number, { last: NodeId; hash: Uint8Array }>();
  return plans.map((plan) =>
    plan.map((element) => {
      if (element.length <= 1) return element.length === 1 ? hashOf(element[0]!) : foldSubtrees([]);
      const first = element[0]!;
      const last = element[element.length - 1]!;
      const start = first.index * 2 ** first.level;
      const known = folded.get(start);
      if (known !== undefined && known.last.level === last.level && known.last.index === last.index) return known.hash;
      const hash = foldSubtrees(element.map(hashOf));
      folded.set(start, { last, hash });
      return hash;
    }),
  );
}
