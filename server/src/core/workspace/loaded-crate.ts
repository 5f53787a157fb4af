import type { CrateDescription } from './discover';
import type { Crate } from './crates';

/** A crate as loaded for a run: its modules and items, and the target of the manifest that declared it. */
export interface LoadedCrate {
  crate: Crate;
  description: CrateDescription;
}
