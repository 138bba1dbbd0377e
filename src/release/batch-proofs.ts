import { inclusionProofPlan, resolvePlan, type HashReader, type NodeId } from '../ledger/merkle.js';

/**
 * Inclusion proofs of many entries in one tree, with the ledger's own proof
 * plans: every node any of the proofs needs is read in one `readHashes` call
 * (one tile read each, for all of them), then each proof is folded from those.
 * Proving the entries of a batch one by one would read and rehash the same
 * right-edge tiles once per entry.
 */
export async function proveInclusions(reader: HashReader, indexes: readonly number[], size: number): Promise<Uint8Array[][]> {
  const plans = indexes.map((i) => inclusionProofPlan(i, size));
  const wanted = new Map<string, NodeId>();
  for (const plan of plans) for (const element of plan) for (const n of element) wanted.set(`${n.level}/${n.index}`, n);
  const nodes = [...wanted.values()];
  const hashes = nodes.length === 0 ? [] : await reader.readHashes(nodes);
  const known = new Map<string, Uint8Array>();
  nodes.forEach((n, i) => {
    const h = hashes[i];
    if (h) known.set(`${n.level}/${n.index}`, h);
  });
  // resolvePlan checks every hash is there and well-formed.
  const cached: HashReader = { readHashes: async (ns) => ns.map((n) => known.get(`${n.level}/${n.index}`)!) };
  return Promise.all(plans.map((plan) => resolvePlan(cached, plan)));
}
