import { loadParser } from '../../server/src/core/syntax/parse';
import { FileSource, SourceCache } from '../../server/src/core/workspace/crates';

/**
 * Bundled as the server and the CLI are (scripts/bundle.js) by test/limits.test.ts, and run from the
 * bundle's folder: the parser's instance aborts on one file, and the next file must still parse. Prints
 * what happened as JSON.
 */
async function probe(): Promise<void> {
  const parser = await loadParser();
  const source: FileSource = {
    read: () => 'pub extern "C" fn g(s: &str) -> usize { s.len() }\n',
    exists: () => true,
    list: () => [],
    modifiedAt: () => 1,
  };
  const cache = new SourceCache(parser, source);
  // The instance aborts as it would out of memory: every call fails from then on.
  parser.parse = () => {
    const e = new Error('Aborted(OOM). Build with -sASSERTIONS for more info.');
    e.name = 'RuntimeError';
    throw e;
  };
  const first = cache.get('/a.rs');
  const next = cache.get('/b.rs');
  process.stdout.write(
    JSON.stringify({
      first: first !== null,
      failure: cache.failures.get('/a.rs') ?? null,
      next: next?.items.items.length ?? null,
    }),
  );
}

void probe();
