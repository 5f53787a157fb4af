import type { CrateDescription } from './discover';
import type { Crate } from './crates';

/** A crate as loaded for a run: its modules and items, and the target of the manifest that declared it. */
export interface LoadedCrate {
  crate: Crate;
  description: CrateDescription;
  /** The Cargo features its `#[cfg(feature = …)]` saw (workspace/features.ts); absent where none were resolved. */
  features?: string[];
}
